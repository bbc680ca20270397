import { copyFile, mkdtemp, open, rm, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModel, loadManifest, ModelManifest, verifyModel, weightPath } from './model-manifest.ts';
import { requireWeights } from './test-weights.ts';
import { loadCatalogue } from './models/catalogue.ts';

describe('model manifest', () => {
  it('lists the npm-carried weights with size and checksum, and CLIP in the model manager\'s downloads', () => {
    const m = loadManifest();
    expect(m.models.map((x) => x.id)).toEqual(['blazeface-back-256', 'isnet-small', 'nanodet-m-416', 'nsfwjs-mobilenet-v2-mid']);
    expect(getModel('nsfwjs-mobilenet-v2-mid')).toMatchObject({ task: 'moderation', licence: 'MIT', input: { shape: [1, 224, 224, 3], range: [0, 1] } });
    expect(getModel('blazeface-back-256')).toMatchObject({ task: 'faces', bytes: 603_432, licence: 'Apache-2.0' });
    expect(getModel('isnet-small')).toMatchObject({ task: 'subject', bytes: 44_342_436, licence: 'MIT' });
    const clip = loadCatalogue(m.modelsDir).find((d) => d.id === 'clip-vit-b32');
    expect(clip?.clip?.image).toMatchObject({ input: 'pixel_values', output: 'image_embeds', size: 224 });
    expect(clip?.files.every((f) => f.url.startsWith('https://'))).toBe(true);
  });

  it('rejects an npm entry without a checksum and duplicate ids', () => {
    const m = loadManifest();
    const face = getModel('blazeface-back-256');
    expect(ModelManifest.safeParse({ schema: 1, models: [{ ...face, sha256: null }] }).success).toBe(false);
    expect(ModelManifest.safeParse({ schema: 1, models: [face, face] }).success).toBe(false);
    expect(ModelManifest.safeParse({ schema: 1, models: m.models }).success).toBe(true);
  });

  it('throws a not-found error for an unknown model', () => {
    expect(() => getModel('no-such-model')).toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});

describe('verifyModel', () => {
  let tmp = '';
  beforeAll(async () => {
    await requireWeights('blazeface-back-256', 'isnet-small');
    tmp = await mkdtemp(path.join(os.tmpdir(), 'lightbox-models-'));
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('accepts the weights fetched by npm run models', async () => {
    const check = await verifyModel('blazeface-back-256');
    expect(check).toMatchObject({ ok: true, bytes: 603_432, sha256: getModel('blazeface-back-256').sha256 });
  });

  it('rejects a copy with one byte flipped (same size, wrong SHA-256)', async () => {
    const copy = path.join(tmp, 'flipped.onnx');
    await copyFile(weightPath(getModel('blazeface-back-256')), copy);
    const fh = await open(copy, 'r+');
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, 300_000);
    b[0] = b[0]! ^ 0xff;
    await fh.write(b, 0, 1, 300_000);
    await fh.close();
    const check = await verifyModel('blazeface-back-256', { file: copy });
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.code).toBe('model-damaged');
      expect(check.message).toMatch(/SHA-256 [0-9a-f]{64}, expected 427cbbe0/);
      expect(check.message).toContain('npm run models');
    }
  });

  it('rejects a truncated copy by size without hashing it', async () => {
    const copy = path.join(tmp, 'short.onnx');
    await copyFile(weightPath(getModel('isnet-small')), copy);
    await truncate(copy, 1_000_000);
    const check = await verifyModel('isnet-small', { file: copy });
    expect(check).toMatchObject({ ok: false, code: 'model-damaged' });
    expect(!check.ok && check.message).toContain('is 1000000 bytes, expected 44342436');
  });

  it('reports a missing file as model-missing with the fix', async () => {
    const check = await verifyModel('blazeface-back-256', { file: path.join(tmp, 'absent.onnx') });
    expect(check).toMatchObject({ ok: false, code: 'model-missing' });
    expect(!check.ok && check.message).toContain('npm run models');
  });

  it('leaves downloaded models (CLIP) to the model manager', async () => {
    await expect(verifyModel('clip-vit-b32')).rejects.toMatchObject({ code: 'not-found' });
  });
});
