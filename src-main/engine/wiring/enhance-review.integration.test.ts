import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { applyFault, exposure, loadReference, toJpeg } from '../../../test-support/enhance-faults.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import type { PhotoRecipe, RecipeStep } from '../../contract/index.ts';
import { ENHANCE_MODEL_VERSION } from '../analysis/enhance/propose-enhance.ts';
import { ENHANCE_SOURCE } from '../analysis/enhance/to-enhance-steps.ts';
import { createEngine } from '../engine.ts';

const toneSteps = (r: PhotoRecipe) => r.recipe.steps.slice(0, r.recipe.end).filter((s) => s.op !== 'crop');
const evOf = (steps: RecipeStep[]) => (steps.find((s) => s.op === 'exposure')?.params as { ev: number } | undefined)?.ev ?? 0;

/**
 * Auto-enhance through the real engine: analysis proposes tone steps as `ai:` steps waiting for
 * review (the library's default policy), the photographer decides per step, a selection is
 * enhanced on request, presets carry adaptive steps, and a series is matched to a hero.
 */
describe.skipIf(!hasCorpus)('auto-enhance review through the engine', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let engine: Awaited<ReturnType<typeof createEngine>>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    dir = await tempDir();
    const inbox = path.join(dir.path, 'inbox');
    await mkdir(inbox);
    // One scene twice, 1.6 and 0.9 stops too dark (a bracketed burst), and a finished portrait.
    const scene = await loadReference('jpeg/camera/Oppo_R7_Plus.jpg');
    await writeFile(path.join(inbox, 'dark.jpg'), await toJpeg(applyFault(scene, exposure(-1.6))));
    await writeFile(path.join(inbox, 'dim.jpg'), await toJpeg(applyFault(scene, exposure(-0.9))));
    await copyFile(corpusPath('content/people/fr-obama.jpg'), path.join(inbox, 'obama.jpg'));
    engine = await createEngine({ libraryDir: path.join(dir.path, 'lib'), watchFolders: false });
    await engine.processOnce([inbox]);
    for (const p of (await engine.api.call('photos.list', {})).photos) ids[p.fileName.replace('.jpg', '')] = p.id;
  }, 180_000);
  afterAll(async () => {
    await engine.close();
    await dir.cleanup();
  });

  it('proposes an exposure for the dark photo as an AI step waiting for review, and nothing for the finished portrait', async () => {
    const dark = await engine.api.call('recipe.get', { photoId: ids.dark! });
    const exposureStep = toneSteps(dark).find((s) => s.op === 'exposure')!;
    expect(exposureStep).toMatchObject({ source: ENHANCE_SOURCE, needsReview: true, enabled: true });
    expect((exposureStep.params as { ev: number }).ev).toBeGreaterThan(0.8);
    expect(exposureStep.reason).toMatch(/underexposed by about/);
    expect(exposureStep.confidence).toBeGreaterThan(0);
    const analysis = await engine.api.call('analysis.get', { photoId: ids.dark! });
    expect(analysis.enhance?.steps.map((s) => s.op)).toContain('exposure');
    expect(analysis.runs.find((r) => r.task === 'enhance')).toMatchObject({ model: 'auto-enhance', version: ENHANCE_MODEL_VERSION, status: 'completed' });
    expect(toneSteps(await engine.api.call('recipe.get', { photoId: ids.obama! }))).toEqual([]);
    expect((await engine.api.call('photos.get', { id: ids.dark! })).stage).toBe('needs-review');
  });

  it('accepts and rejects one step at a time, each an edit of its own', async () => {
    const before = await engine.api.call('recipe.get', { photoId: ids.dark! });
    const active = before.recipe.steps.slice(0, before.recipe.end);
    const at = active.findIndex((s) => s.op === 'exposure');
    const accepted = await engine.api.call('recipe.decideStep', { photoId: ids.dark!, index: at, decision: 'approve' });
    expect(accepted.recipe.steps[at]!.needsReview).toBe(false);
    expect(accepted.revision).toBe(before.revision + 1);
    const crop = accepted.recipe.steps.findIndex((s) => s.op === 'crop');
    const rejected = await engine.api.call('recipe.decideStep', { photoId: ids.dark!, index: crop, decision: 'reject' });
    expect(rejected.recipe.steps.slice(0, rejected.recipe.end).some((s) => s.op === 'crop')).toBe(false);
    expect(rejected.revision).toBe(accepted.revision + 1);
    // The accepted exposure is no longer waiting: deciding it again is refused, with the reason.
    await expect(engine.api.call('recipe.decideStep', { photoId: ids.dark!, index: at, decision: 'approve' })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('"apply" approves confident steps at once; "off" leaves new analyses alone but still answers Auto-enhance', async () => {
    expect(await engine.api.call('enhance.settings.get', {})).toEqual({ mode: 'propose', threshold: 0.8 });
    expect(await engine.api.call('enhance.settings.set', { mode: 'apply', threshold: 0 })).toEqual({ mode: 'apply', threshold: 0 });
    await engine.api.call('recipe.update', { photoId: ids.dim!, steps: [] });
    const auto = await engine.api.call('enhance.auto', { photoIds: [ids.dim!, ids.obama!] });
    expect(auto).toEqual({ proposed: 1, unchanged: 1, queued: 0, skipped: [] });
    const dim = toneSteps(await engine.api.call('recipe.get', { photoId: ids.dim! }));
    expect(dim.length).toBeGreaterThan(0);
    expect(dim.every((s) => s.needsReview === false && s.source === ENHANCE_SOURCE)).toBe(true);

    await engine.api.call('enhance.settings.set', { mode: 'off' });
    await engine.api.call('recipe.update', { photoId: ids.dim!, steps: [] });
    await engine.api.call('analysis.rerun', { photoIds: [ids.dim!] });
    await engine.whenIdle();
    // The crop policy still proposes its crop; auto-enhance stays out.
    expect(toneSteps(await engine.api.call('recipe.get', { photoId: ids.dim! }))).toEqual([]);
    expect((await engine.api.call('enhance.auto', { photoIds: [ids.dim!] })).proposed).toBe(1);
    await engine.api.call('enhance.settings.set', { mode: 'propose', threshold: 0.8 });
  });

  it('a preset made from an auto-enhanced photo is adaptive: each photo gets its own exposure', async () => {
    const source = await engine.api.call('recipe.get', { photoId: ids.dark! });
    const sourceEv = evOf(toneSteps(source));
    const exposureIndex = source.recipe.steps.slice(0, source.recipe.end).findIndex((s) => s.op === 'exposure');
    const preset = await engine.api.call('presets.create', { photoId: ids.dark!, name: 'Auto exposure', steps: [exposureIndex] });
    expect(preset.steps[0]).toMatchObject({ op: 'exposure', source: ENHANCE_SOURCE });
    await engine.api.call('recipe.update', { photoId: ids.dim!, steps: [] });
    await engine.api.call('presets.apply', { presetId: preset.id, photoIds: [ids.dim!] });
    await engine.whenIdle();
    const dim = toneSteps(await engine.api.call('recipe.get', { photoId: ids.dim! }));
    expect(dim.map((s) => [s.op, s.enabled, s.recompute ?? false])).toEqual([['exposure', true, false]]);
    // Its own, 0.7 stop less than the darker photo's.
    expect(evOf(dim)).toBeGreaterThan(0.3);
    expect(sourceEv - evOf(dim)).toBeGreaterThan(0.4);
    expect(sourceEv - evOf(dim)).toBeLessThan(1);
  });

  it('matches a burst to the hero: the dimmer frame gets the hero\'s exposure less the 0.7 stop it has more', async () => {
    const hero = evOf(toneSteps(await engine.api.call('recipe.get', { photoId: ids.dark! })));
    // Both frames auto-enhanced already look alike (nothing to match); the dimmer one as it came out of the camera does not.
    expect((await engine.api.call('enhance.match', { photoIds: [ids.dim!], referencePhotoId: ids.dark! })).proposed).toBe(0);
    await engine.api.call('recipe.update', { photoId: ids.dim!, steps: [] });
    const result = await engine.api.call('enhance.match', { photoIds: [ids.dim!], referencePhotoId: ids.dark! });
    expect(result).toMatchObject({ proposed: 1, skipped: [] });
    const dim = toneSteps(await engine.api.call('recipe.get', { photoId: ids.dim! }));
    const matched = dim.find((s) => s.op === 'exposure')!;
    expect(matched).toMatchObject({ source: 'ai:series-match@1', needsReview: true });
    expect(matched.reason).toMatch(new RegExp(`matched to photo ${ids.dark}`));
    expect(Math.abs(evOf(dim) - (hero - 0.7))).toBeLessThan(0.15);
    await expect(engine.api.call('enhance.match', { photoIds: [ids.dim!] })).rejects.toMatchObject({ code: 'bad-request' });
  });
});
