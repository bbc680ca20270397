import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { requireWeights } from '../analysis/test-weights.ts';
import { createEngine } from '../engine.ts';

/**
 * The photo open in the loupe goes first (queue.focus): with a backlog of analyses waiting, the one
 * opened is analysed next, ahead of every photo that arrived before it, and the backlog then
 * carries on in its own order.
 */
describe.skipIf(!hasCorpus)('queue.focus through the engine', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    await requireWeights('blazeface-back-256');
    dir = await tempDir('lightbox-focus-');
  });
  afterAll(() => dir.cleanup());

  it('analyses the opened photo before the older backlog', async () => {
    const inbox = path.join(dir.path, 'inbox');
    await mkdir(inbox);
    const names = (await readdir(corpusPath('jpeg/camera'))).filter((n) => n.endsWith('.jpg')).sort().slice(0, 10);
    for (const name of names) await copyFile(corpusPath(`jpeg/camera/${name}`), path.join(inbox, name));
    // One analysis at a time: without the focus, photos are analysed strictly oldest first. One
    // ingest and one derive at a time too: analyses are queued as derives end, and two side by side
    // can end out of photo order.
    const engine = await createEngine({ libraryDir: path.join(dir.path, 'library'), watchFolders: false, tuning: { concurrency: { ingest: 1, derive: 1, analyze: 1 } } });
    try {
      const completed: number[] = [];
      let focused: number | null = null;
      let completedAtFocus = 0;
      engine.api.on('analysis.changed', (e) => {
        if (e.status === 'completed') completed.push(e.photoId);
      });
      // The newest photo is opened as soon as every derive is done (its analysis is last in line).
      const off = engine.api.on('queue.stats', (stats) => {
        const derive = stats.kinds['derive'];
        if (focused !== null || !derive || derive.done < names.length) return;
        focused = names.length;
        completedAtFocus = completed.length;
        void engine.api.call('queue.focus', { photoId: focused });
      });
      await engine.processOnce([inbox]);
      off();
      expect(focused).toBe(names.length);
      expect(completed).toHaveLength(names.length);
      // At most the analyses already running when it was opened (one slot, plus the urgent one) finish before it.
      const position = completed.indexOf(focused!);
      expect(position - completedAtFocus, `opened after ${completedAtFocus} analyses; order ${completed.join(', ')}`).toBeLessThanOrEqual(1);
      // The rest still go oldest first.
      const rest = completed.slice(completedAtFocus).filter((id) => id !== focused);
      expect(rest).toEqual([...rest].sort((a, b) => a - b));
    } finally {
      await engine.close();
    }
  }, 240_000);
});
