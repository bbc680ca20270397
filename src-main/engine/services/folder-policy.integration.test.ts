import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CropProposal, Photo, RecipeStep } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { proposeCropIntoRecipe } from '../wiring/ai-crop-to-recipe.ts';
import { createEngine } from '../engine.ts';
import { CROP_AUTO_APPROVE_SETTING } from './folder-policy.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { openLibrary, type Library } from '../library/index.ts';
import { PolicyPresetsRepo } from '../library/policy-presets-repo.ts';
import { newStep } from '../recipes/create.ts';
import { RecipesService } from './recipes-service.ts';

const SHA = (n: number) => n.toString(16).padStart(64, '0');
const proposal = (confidence: number): CropProposal => ({ aspect: 'original', box: { x: 0.1, y: 0.1, w: 0.8, h: 0.8 }, angle: 0, confidence, reason: 'test' });

/** The review decision itself, on a real library: which folder, which confidence, which setting. */
describe('folder crop review policy (real library)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let library: Library;
  let recipes: RecipesService;
  let nextPhoto = 1;

  beforeEach(async () => {
    dir = await tempDir();
    library = openLibrary(path.join(dir.path, 'lightbox.db'));
    recipes = new RecipesService({ photos: library.photos, recipes: library.recipes, renders: library.renders, changed: () => {} });
  });
  afterEach(async () => {
    library.close();
    await dir.cleanup();
  });

  /** A stored photo from `folderId` (the ingest record the policy is read from). */
  const photoIn = (folderId: number | null): number => {
    const n = nextPhoto++;
    const id = library.photos.insert({ folderId, sha256: SHA(n), sha1: null, fileName: `p${n}.jpg`, sourcePath: `/in/p${n}.jpg`, bytes: 1, originalPath: null, error: null, captureDate: null });
    library.photos.setOriginalPath(id, `originals/p${n}.jpg`);
    return id;
  };
  const reviewAfter = async (folderId: number | null, confidence: number): Promise<boolean | undefined> => {
    const photoId = photoIn(folderId);
    await proposeCropIntoRecipe({ library, recipes }, photoId, [proposal(confidence)]);
    const steps = recipes.get(photoId).recipe.steps;
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ op: 'crop', source: 'ai:crop-proposals@1', confidence });
    return steps[0]!.needsReview;
  };

  it('approves at or above the folder threshold and asks for review below it', async () => {
    const folder = library.folders.add('/in/half', { cropReview: 'threshold', cropThreshold: 0.5 });
    expect(await reviewAfter(folder.id, 0.51)).toBe(false);
    expect(await reviewAfter(folder.id, 0.5)).toBe(false);
    expect(await reviewAfter(folder.id, 0.49)).toBe(true);
    // Read when the proposal is made: a stricter threshold holds for the next photo.
    library.folders.update(folder.id, { cropThreshold: 0.9 });
    expect(await reviewAfter(folder.id, 0.51)).toBe(true);
  });

  it('"never" approves any confidence, "always" reviews any, whatever the library says', async () => {
    library.settings.set(CROP_AUTO_APPROVE_SETTING, 0.3);
    const never = library.folders.add('/in/never', { cropReview: 'never' });
    const always = library.folders.add('/in/always', { cropReview: 'always' });
    expect(await reviewAfter(never.id, 0.01)).toBe(false);
    expect(await reviewAfter(always.id, 0.99)).toBe(true);
  });

  it('a folder without its own choice, and a photo from no folder, follow the library setting', async () => {
    const plain = library.folders.add('/in/plain');
    expect(plain).toMatchObject({ cropReview: 'library', presets: [] });
    expect(await reviewAfter(plain.id, 0.99)).toBe(true);
    library.settings.set(CROP_AUTO_APPROVE_SETTING, 0.6);
    expect(await reviewAfter(plain.id, 0.7)).toBe(false);
    expect(await reviewAfter(plain.id, 0.5)).toBe(true);
    expect(await reviewAfter(null, 0.7)).toBe(false);
  });
});

type Engine = Awaited<ReturnType<typeof createEngine>>;
const TUNING = { quietMs: 300, incompleteGraceMs: 4000 };

/**
 * Whole engine, watched folders, real analysis: the policy set through the API decides the review
 * state of the real AI crop, and a folder's presets land once, in order, even when ingest is re-run.
 */
describe.skipIf(!hasCorpus)('folder policy through the engine', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let engine: Engine | null = null;
  const inbox = (name: string) => path.join(dir.path, 'in', name);
  const libraryDir = () => path.join(dir.path, 'lib');
  const warm = [newStep('exposure', { ev: 0.5 })];
  const vivid = [newStep('saturation', { amount: 25 })];
  let warmId = '';
  let vividId = '';
  let presetPhoto = 0;
  const logged: string[] = [];

  const photoNamed = async (e: Engine, name: string): Promise<Photo | undefined> =>
    (await e.api.call('photos.list', { limit: 100 })).photos.find((p) => p.fileName === name);
  const fromPresets = (steps: RecipeStep[]) => steps.filter((s) => s.source.startsWith('preset:')).map((s) => `${s.op}:${s.source}`);

  beforeAll(async () => {
    dir = await tempDir();
    for (const name of ['never', 'always', 'presets']) await mkdir(inbox(name), { recursive: true });
    // The library would approve everything: the folders' own choices must win over it.
    await mkdir(libraryDir());
    const seed = openLibrary(libraryLayout(libraryDir()).database);
    seed.settings.set(CROP_AUTO_APPROVE_SETTING, 0);
    seed.close();
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));

    engine = await createEngine({ libraryDir: libraryDir(), watch: ['never', 'always', 'presets'].map(inbox), tuning: TUNING });
    const folders = await engine.api.call('folders.list', {});
    const id = (name: string) => folders.find((f) => f.path === inbox(name))!.id;
    warmId = (await engine.api.call('presets.import', { json: JSON.stringify({ name: 'Warm', steps: warm }) })).id;
    vividId = (await engine.api.call('presets.import', { json: JSON.stringify({ name: 'Vivid', steps: vivid }) })).id;
    const gone = (await engine.api.call('presets.import', { json: JSON.stringify({ name: 'Gone', steps: warm }) })).id;
    await engine.api.call('folders.update', { id: id('never'), cropReview: 'never' });
    await engine.api.call('folders.update', { id: id('always'), cropReview: 'always' });
    // Vivid before Warm; Gone is deleted after it was chosen.
    const updated = await engine.api.call('folders.update', { id: id('presets'), presets: [vividId, gone, warmId] });
    expect(updated.presets).toEqual([vividId, gone, warmId]);
    await engine.api.call('presets.delete', { id: gone });
    await expect(engine.api.call('folders.update', { id: id('always'), presets: ['no-such-preset'] })).rejects.toMatchObject({ code: 'not-found' });

    await engine.start();
    await copyFile(corpusPath('content/people/fr-obama.jpg'), path.join(inbox('never'), 'never.jpg'));
    await copyFile(corpusPath('content/people/fr-biden.jpg'), path.join(inbox('always'), 'always.jpg'));
    await copyFile(corpusPath('content/people/fr-two_people.jpg'), path.join(inbox('presets'), 'presets.jpg'));
    const e = engine;
    for (const name of ['never.jpg', 'always.jpg', 'presets.jpg']) await waitFor(name, () => photoNamed(e, name), 60_000);
    await engine.whenIdle();
    presetPhoto = (await photoNamed(engine, 'presets.jpg'))!.id;
  }, 180_000);
  afterAll(async () => {
    await engine?.close();
    vi.restoreAllMocks();
    await dir.cleanup();
  });

  it('"never review": the AI crop is approved at once and rendered', async () => {
    const photo = (await photoNamed(engine!, 'never.jpg'))!;
    const { recipe, renderedRevision, revision } = await engine!.api.call('recipe.get', { photoId: photo.id });
    expect(recipe.steps.find((s) => s.op === 'crop')).toMatchObject({ source: 'ai:crop-proposals@1', needsReview: false });
    expect(renderedRevision).toBe(revision);
    expect(photo.stage).toBe('rendered');
  });

  it('"always review": the AI crop waits for the photographer although the library would approve it', async () => {
    const photo = (await photoNamed(engine!, 'always.jpg'))!;
    const { recipe, renderedRevision } = await engine!.api.call('recipe.get', { photoId: photo.id });
    expect(recipe.steps.find((s) => s.op === 'crop')).toMatchObject({ source: 'ai:crop-proposals@1', needsReview: true });
    expect(renderedRevision).toBeNull();
    expect(photo.stage).toBe('needs-review');
  });

  it("applies the folder's presets in order, once; a deleted one is skipped with a logged reason, not a failure", async () => {
    const { recipe } = await engine!.api.call('recipe.get', { photoId: presetPhoto });
    expect(fromPresets(recipe.steps)).toEqual([`saturation:preset:${vividId}`, `exposure:preset:${warmId}`]);
    expect(recipe.steps.find((s) => s.op === 'exposure')!.params).toEqual(warm[0]!.params);
    expect(await engine!.api.call('queue.deadLetters', {})).toEqual([]);
    expect((await photoNamed(engine!, 'presets.jpg'))!.stage).not.toBe('failed');
    expect(logged.some((line) => line.includes('skipped') && line.includes(`photo ${presetPhoto}`) && line.includes('deleted'))).toBe(true);
  });

  it('a retried ingest (jobs re-run after a crash) and a re-ingest of the same bytes never stack a preset or undo a later edit', async () => {
    // The photographer darkens after the preset; a second application would put Warm's +0.5 back.
    const before = await engine!.api.call('recipe.get', { photoId: presetPhoto });
    const edited = before.recipe.steps.slice(0, before.recipe.end).map((s) => (s.op === 'exposure' ? { ...s, params: { ev: -1 } } : s));
    const { revision } = await engine!.api.call('recipe.update', { photoId: presetPhoto, steps: edited });
    await engine!.whenIdle();
    await engine!.close();
    engine = null;

    // As if the run died before marking them done: every ingest and apply-preset job runs again.
    const lib = openLibrary(libraryLayout(libraryDir()).database);
    const requeued = lib.db.prepare(`UPDATE jobs SET state = 'queued', attempts = 0, run_after = 0 WHERE kind IN ('ingest', 'apply-preset')`).run().changes;
    expect(requeued).toBeGreaterThanOrEqual(5);
    lib.close();

    engine = await createEngine({ libraryDir: libraryDir(), watch: ['never', 'always', 'presets'].map(inbox), tuning: TUNING });
    await engine.start();
    await engine.whenIdle();
    const e = engine;
    // And the same bytes once more under another name: a duplicate of the same photo.
    await copyFile(corpusPath('content/people/fr-two_people.jpg'), path.join(inbox('presets'), 'again.jpg'));
    await waitFor('the copy to be recorded as a duplicate', async () => ((await photoNamed(e, 'presets.jpg'))?.duplicates ?? 0) > 0, 60_000);
    await engine.whenIdle();

    const after = await engine.api.call('recipe.get', { photoId: presetPhoto });
    expect(after.revision).toBe(revision);
    expect(fromPresets(after.recipe.steps)).toEqual([`saturation:preset:${vividId}`, `exposure:preset:${warmId}`]);
    expect(after.recipe.steps.find((s) => s.op === 'exposure')!.params).toEqual({ ev: -1 });
    expect((await engine.api.call('photos.list', { limit: 100 })).total).toBe(3);
    const check = openLibrary(libraryLayout(libraryDir()).database);
    try {
      expect(new PolicyPresetsRepo(check.db).forPhoto(presetPhoto).map((r) => r.presetId).sort()).toEqual([vividId, warmId].sort());
    } finally {
      check.close();
    }
  }, 120_000);
});
