import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnalyzeFileResult } from '../contract/index.ts';
import { corpusPath, hasCorpus } from '../../test-support/corpus.ts';
import { applyFault, exposure, loadReference, toJpeg } from '../../test-support/enhance-faults.ts';
import { runCli } from '../../test-support/run-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const run = (args: string[]) => runCli(args, { LIGHTBOX_LIBRARY: '' });
const meanGrey = async (file: string) => (await sharp(file).greyscale().stats()).channels[0]!.mean;

describe.skipIf(!hasCorpus)('auto-enhance on the command line', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let dark = '';
  const good = corpusPath('jpeg/camera/Oppo_R7_Plus.jpg');
  beforeAll(async () => {
    dir = await tempDir();
    dark = path.join(dir.path, 'dark.jpg');
    await writeFile(dark, await toJpeg(applyFault(await loadReference('jpeg/camera/Oppo_R7_Plus.jpg'), exposure(-1.5))));
  });
  afterAll(() => dir?.cleanup());

  it('lightbox analyze --json adds enhance: steps with confidence and reasons, none for a finished photo', async () => {
    const { code, stdout } = await run(['analyze', dark, good, '--json', '--no-subject']);
    expect(code).toBe(0);
    const [under, finished] = z.array(AnalyzeFileResult).parse(JSON.parse(stdout));
    const step = under!.enhance!.steps.find((s) => s.op === 'exposure')!;
    expect(step.params.ev).toBeGreaterThan(1);
    expect(step.confidence).toBeGreaterThan(0);
    expect(step.reason).toMatch(/underexposed by about 1\.\d EV/);
    expect(under!.enhance!.reasons).toContain(step.reason);
    expect(finished!.enhance).toEqual({ steps: [], confidence: 1, reasons: [expect.any(String)] });
  }, 90_000);

  it('lightbox render --auto-enhance renders the proposed tone steps at the oriented input size, after a given recipe', async () => {
    const out = path.join(dir.path, 'bright.png');
    const result = await run(['render', dark, '--auto-enhance', '--out', out, '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/auto-enhance: .*underexposed/);
    const summary = JSON.parse(result.stdout);
    const input = await sharp(dark).metadata();
    expect([summary.format, summary.width, summary.height]).toEqual(['png', input.width, input.height]);
    expect(await meanGrey(out)).toBeGreaterThan((await meanGrey(dark)) + 25);

    // An EXIF-rotated original comes out oriented, whole (auto-enhance never crops).
    const rotated = path.join(dir.path, 'rotated.jpg');
    expect((await run(['render', corpusPath('jpeg/orientation/Landscape_6.jpg'), '--auto-enhance', '--out', rotated])).code).toBe(0);
    expect(await sharp(rotated).metadata()).toMatchObject({ width: 1800, height: 1200 });

    // With a recipe: its steps first (a resize), then the enhance steps.
    const recipe = path.join(dir.path, 'small.json');
    await writeFile(recipe, JSON.stringify({ steps: [{ op: 'resize', v: 1, enabled: true, params: { mode: 'long-edge', longEdge: 400, allowUpscale: false }, source: 'user' }] }));
    const small = path.join(dir.path, 'small.jpg');
    expect((await run(['render', dark, '--recipe', recipe, '--auto-enhance', '--out', small])).code).toBe(0);
    const meta = await sharp(small).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(400);
    expect(await meanGrey(small)).toBeGreaterThan((await meanGrey(dark)) + 25);

    const neither = await run(['render', dark, '--out', path.join(dir.path, 'x.jpg')]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/--recipe R\.json, --auto-enhance, or both/);
  }, 120_000);
});
