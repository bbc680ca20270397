import { copyFile, mkdir, readdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnalyzeFileResult } from '../contract/index.ts';
import { corpusPath, hasCorpus, projectRoot } from '../../test-support/corpus.ts';
import { runCli } from '../../test-support/run-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, env);

describe.skipIf(!hasCorpus)('lightbox analyze FILE... --json', () => {
  it('prints one object per file in order; unreadable files get an error and the others still print', async () => {
    const files = [corpusPath('content/people/fr-two_people.jpg'), '/no/such/photo.jpg', corpusPath('bad/truncated-10000B.jpg'), corpusPath('jpeg/orientation/Portrait_6.jpg')];
    const { code, stdout } = await run(['analyze', ...files, '--json', '--no-subject']);
    expect(code).toBe(1);
    const results = z.array(AnalyzeFileResult).parse(JSON.parse(stdout));
    expect(results.map((r) => r.file)).toEqual(files);
    const [people, missing, truncated, portrait] = results;

    expect(people!.error).toBeUndefined();
    expect([people!.width, people!.height]).toEqual([1126, 661]);
    expect(people!.faces).toHaveLength(2);
    expect(people!.faces[0]!.keypoints).toHaveLength(6);
    // NanoDet: both men in suits, each about half of the frame
    expect(people!.objects.filter((o) => o.label === 'person' && o.confidence >= 0.5)).toHaveLength(2);
    expect(people!.subject).toBeNull(); // --no-subject
    expect(Object.keys(people!.quality!).sort()).toEqual(['exposure', 'flags', 'score', 'sharpness']);
    expect(people!.crops.length).toBeGreaterThan(0);
    expect(Object.keys(people!.crops[0]!).sort()).toEqual(['angle', 'aspect', 'box', 'confidence', 'reason']);
    // The moderation weights are installed here (`npm run models`): a flag and five probabilities.
    expect(people!.moderation?.flag).toBe('safe');
    expect(people!.moderation!.classes).toHaveLength(5);

    expect(missing).toMatchObject({ width: null, faces: [], crops: [], error: { code: 'not-found' } });
    expect(missing!.error!.message).toMatch(/does not exist/);
    expect(truncated).toMatchObject({ error: { code: 'truncated' } });

    // Orientation 6 is stored landscape and shown portrait: sizes and boxes are of the oriented image.
    expect(portrait!.height).toBeGreaterThan(portrait!.width!);
    for (const c of portrait!.crops) expect(c.box.x + c.box.w).toBeLessThanOrEqual(1 + 1e-9);
  }, 60_000);

  it('exits 0 when every file was analysed, and needs at least one file', async () => {
    const ok = await run(['analyze', corpusPath('content/skimage/coffee.png'), '--json', '--no-subject']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveLength(1);
    const none = await run(['analyze']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs at least one file/);
  }, 60_000);

  /** A models folder with every weight file but those `leftOut` picks, for the duration of `use`. */
  async function withModelsBut(leftOut: (file: string) => boolean, use: (dir: string) => Promise<void>): Promise<void> {
    const models = await tempDir();
    try {
      const weights = path.join(projectRoot, 'models', 'weights');
      await mkdir(path.join(models.path, 'weights'));
      await copyFile(path.join(projectRoot, 'models', 'manifest.json'), path.join(models.path, 'manifest.json'));
      for (const f of await readdir(weights)) if (!leftOut(f)) await symlink(path.join(weights, f), path.join(models.path, 'weights', f));
      await use(models.path);
    } finally {
      await models.cleanup();
    }
  }

  it('without the face model still analyses, names what it left out, and says crops did not look for faces', async () => {
    await withModelsBut((f) => f.startsWith('face_detection_'), async (dir) => {
      const { code, stdout, stderr } = await run(['analyze', corpusPath('content/people/fr-two_people.jpg'), '--json', '--no-subject'], { LIGHTBOX_MODELS_DIR: dir });
      expect(code).toBe(0);
      const [people] = z.array(AnalyzeFileResult).parse(JSON.parse(stdout));
      expect(people!.error).toBeUndefined();
      expect(people!.skipped).toEqual([expect.objectContaining({ task: 'faces', model: 'blazeface-back-256', code: 'model-missing' })]);
      expect(people!.faces).toEqual([]);
      expect(people!.objects.filter((o) => o.label === 'person').length).toBeGreaterThan(0);
      expect(people!.crops.length).toBeGreaterThan(0);
      for (const crop of people!.crops) expect(crop.reason).toMatch(/faces not checked/);
      expect(stderr).toMatch(/npm run models/);
      const text = await run(['analyze', corpusPath('content/people/fr-two_people.jpg'), '--no-subject'], { LIGHTBOX_MODELS_DIR: dir });
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/not analysed: faces \(model missing: blazeface-back-256\)/);
    });
  }, 60_000);

  it('leaves moderation out when its weights are not installed, and still analyses', async () => {
    // Without moderation's weights its task is not on the list at all (nothing to skip).
    await withModelsBut((f) => f.startsWith('nsfwjs-'), async (dir) => {
      const { code, stdout } = await run(['analyze', corpusPath('content/skimage/coffee.png'), '--json', '--no-subject'], { LIGHTBOX_MODELS_DIR: dir });
      expect(code).toBe(0);
      const [coffee] = z.array(AnalyzeFileResult).parse(JSON.parse(stdout));
      expect(coffee!.error).toBeUndefined();
      expect(coffee!.objects.some((o) => o.label === 'cup')).toBe(true);
      expect('moderation' in coffee!).toBe(false);
      expect(coffee!.skipped).toBeUndefined();
    });
  }, 60_000);
});
