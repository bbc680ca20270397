import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROP_ASPECTS, type Box, type Photo, type PhotoAnalysis } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';
import { requireWeights } from './test-weights.ts';
import { ENHANCE_MODEL_VERSION } from './enhance/propose-enhance.ts';

type Engine = Awaited<ReturnType<typeof createEngine>>;

const FILES = {
  people: 'content/people/fr-two_people.jpg',
  coffee: 'content/skimage/coffee.png',
  small: 'content/near-dup/fr-obama-480p.jpg',
  large: 'content/near-dup/fr-obama-720p.jpg',
};

const inside = (outer: Box, inner: Box) =>
  inner.x >= outer.x - 1e-9 && inner.y >= outer.y - 1e-9 && inner.x + inner.w <= outer.x + outer.w + 1e-9 && inner.y + inner.h <= outer.y + outer.h + 1e-9;

/** The real engine, one-shot: ingest -> derive -> analyze, then everything read back through the API. */
describe.skipIf(!hasCorpus)('analysis through the engine', () => {
  let library: Awaited<ReturnType<typeof tempDir>>;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let engine: Engine;
  const photo: Record<string, Photo> = {};
  const analysis: Record<string, PhotoAnalysis> = {};
  const events: Array<{ photoId: number; status: string }> = [];

  beforeAll(async () => {
    await requireWeights('blazeface-back-256', 'nsfwjs-mobilenet-v2-mid');
    library = await tempDir();
    inbox = await tempDir();
    await mkdir(inbox.path, { recursive: true });
    for (const [key, rel] of Object.entries(FILES)) await copyFile(corpusPath(rel), path.join(inbox.path, `${key}${path.extname(rel)}`));
    engine = await createEngine({ libraryDir: library.path, watchFolders: false, tuning: { analysis: { subject: false } } });
    engine.api.on('analysis.changed', (e) => events.push(e));
    const summary = await engine.processOnce([inbox.path]);
    expect(summary.ingested).toBe(4);
    for (const p of (await engine.api.call('photos.list', { limit: 100 })).photos) {
      const key = path.basename(p.fileName, path.extname(p.fileName));
      photo[key] = p;
      analysis[key] = await engine.api.call('analysis.get', { photoId: p.id });
    }
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
    await library?.cleanup();
    await inbox?.cleanup();
  });

  it('moves every photo to needs-review once its proposals exist', () => {
    expect(Object.fromEntries(Object.entries(photo).map(([k, p]) => [k, p.stage]))).toEqual({
      people: 'needs-review', coffee: 'needs-review', small: 'needs-review', large: 'needs-review',
    });
    for (const p of Object.values(photo)) {
      expect(events.filter((e) => e.photoId === p.id).map((e) => e.status)).toEqual(['analysing', 'completed']);
    }
  });

  it('records each analysis with its model, version, provider and status (ISNet off here)', () => {
    const runs = analysis.people!.runs.map((r) => [r.task, r.model, r.version, r.provider, r.status, r.error]);
    expect(runs).toEqual([
      ['crops', 'crop-proposals', '1', 'local', 'completed', null],
      ['enhance', 'auto-enhance', ENHANCE_MODEL_VERSION, 'local', 'completed', null],
      ['faces', 'blazeface-back-256', '1.2.0', 'local', 'completed', null],
      ['hash', 'gradient-hash', '1', 'local', 'completed', null],
      ['moderation', 'nsfwjs-mobilenet-v2-mid', '4.4.0', 'local', 'completed', null],
      ['objects', 'nanodet-m-416', '3.0.4', 'local', 'completed', null],
      ['quality', 'technical-quality', '1', 'local', 'completed', null],
    ]);
    expect(analysis.people!.subject).toBeNull();
    // objects from analysis.get: both men, and the keywords they suggest
    expect(analysis.people!.objects!.filter((o) => o.label === 'person' && o.confidence >= 0.5)).toHaveLength(2);
    expect(analysis.people!.keywords).toContain('person');
    // moderation from analysis.get: two men in suits are safe, with all five class probabilities
    expect(analysis.people!.moderation).toMatchObject({ flag: 'safe' });
    expect(analysis.people!.moderation!.classes.map((c) => c.label).sort()).toEqual(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
  });

  it('the search box finds each photo by the keywords its objects suggest, and not the others', async () => {
    expect(analysis.people!.keywords).toContain('person');
    for (const [key, a] of Object.entries(analysis)) {
      for (const keyword of a.keywords) {
        const found = (await engine.api.call('photos.list', { text: keyword })).photos.map((p) => p.id);
        expect(found, `"${keyword}" finds ${key}`).toContain(photo[key]!.id);
        const without = Object.keys(analysis).filter((k) => !analysis[k]!.keywords.includes(keyword) && !photo[k]!.fileName.includes(keyword));
        for (const other of without) expect(found, `"${keyword}" does not find ${other}`).not.toContain(photo[other]!.id);
      }
    }
  });

  it('finds the two faces and proposes crops that keep both, inside the photo', () => {
    const a = analysis.people!;
    expect(a.faces).toHaveLength(2);
    expect(a.proposals.length).toBeGreaterThanOrEqual(3);
    for (const p of a.proposals) {
      expect(inside({ x: 0, y: 0, w: 1, h: 1 }, p.box)).toBe(true);
      for (const f of a.faces!) expect({ aspect: p.aspect, keeps: inside(p.box, f.box) }).toEqual({ aspect: p.aspect, keeps: true });
    }
    expect(new Set(a.proposals.map((p) => p.aspect))).toContain('original');
  });

  it('finds no face on the coffee cup and still proposes every aspect', () => {
    const a = analysis.coffee!;
    expect(a.faces).toEqual([]);
    expect(new Set(a.proposals.map((p) => p.aspect))).toEqual(new Set(CROP_ASPECTS));
    expect(a.quality!.flags).toEqual([]);
  });

  it('groups the same scene at two sizes as near-duplicates, and nothing else', () => {
    const group = analysis.small!.nearDuplicates;
    expect(group?.photoIds).toEqual([photo.small!.id, photo.large!.id].sort((x, y) => x - y));
    expect(analysis.large!.nearDuplicates).toEqual(group);
    expect(group!.photoIds).toContain(group!.bestPhotoId);
    expect(analysis.people!.nearDuplicates).toBeNull();
    expect(analysis.coffee!.nearDuplicates).toBeNull();
  });

  it('reruns on request, and says which photo ids do not exist', async () => {
    const before = analysis.coffee!.runs.find((r) => r.task === 'quality')!.updatedAt;
    expect(await engine.api.call('analysis.rerun', { photoIds: [photo.coffee!.id] })).toEqual({ queued: 1 });
    expect((await engine.api.call('photos.get', { id: photo.coffee!.id })).stage).toBe('analysing');
    // Nothing that already has a current result goes back to pending (the job may already be running).
    const queued = await engine.api.call('analysis.get', { photoId: photo.coffee!.id });
    for (const run of queued.runs) expect(['completed', 'processing']).toContain(run.status);
    await engine.whenIdle();
    const after = await engine.api.call('analysis.get', { photoId: photo.coffee!.id });
    expect(after.runs.find((r) => r.task === 'quality')!.updatedAt > before).toBe(true);
    expect(after.quality).toEqual(analysis.coffee!.quality);
    await expect(engine.api.call('analysis.rerun', { photoIds: [999_999] })).rejects.toMatchObject({ code: 'not-found' });
    await expect(engine.api.call('analysis.get', { photoId: 999_999 })).rejects.toMatchObject({ code: 'not-found' });
  });
});
