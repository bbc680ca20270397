import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recipe } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { libraryLayout, type LibraryLayout } from '../library/library-layout.ts';
import { newRecipe, newStep } from '../recipes/create.ts';
import { RenderError } from './pipeline/index.ts';
import { DiskFullError, isDiskFull } from '../base/disk-space.ts';
import { errorFrom, failureOf } from './render-thread-protocol.ts';
import { RenderThreads } from './render-threads.ts';
import { DEFAULT_EXPORT_SETTINGS, renderToLibrary } from './render-to-library.ts';
import { storedPhoto } from './testing/stored-photo.ts';

/** Photo `id`, its hash made from the id (the render reads only the original's pixels). */
const photoOf = (id: number, originalPath: string) => storedPhoto(id, String(id).padStart(64, '0'), originalPath);

/** Crop, then tone steps big enough to go through the 16-bit path (where a main-thread render uses its tone helper). */
function toneRecipe(sha: string): Recipe {
  const steps = [
    newStep('crop', { x: 0.05, y: 0.05, w: 0.9, h: 0.9, angle: 0 }),
    newStep('white-balance', { temperature: 12, tint: -4 }),
    newStep('exposure', { ev: 0.4 }),
    newStep('vibrance', { amount: 15 }),
    newStep('output', { format: 'jpeg', quality: 88 }),
  ];
  return { ...newRecipe(sha), steps, end: steps.length };
}

// Renders a corpus camera JPEG and a truncated one: without the corpus there is nothing real to
// render (test-support/corpus.ts says once where it looked).
describe.skipIf(!hasCorpus)('RenderThreads: render jobs off the event loop', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let layout: LibraryLayout;
  let threads: RenderThreads;

  beforeAll(async () => {
    dir = await tempDir('lightbox-render-threads-');
    layout = libraryLayout(dir.path);
    await mkdir(path.join(dir.path, 'originals', '2024', '05'), { recursive: true });
    await copyFile(corpusPath('jpeg/camera/Canon_EOS_7D.jpg'), path.join(dir.path, 'originals/2024/05/a.jpg'));
    await copyFile(corpusPath('bad/truncated-400B.jpg'), path.join(dir.path, 'originals/2024/05/bad.jpg'));
    threads = new RenderThreads({ idleMs: 200 });
  });
  afterAll(async () => {
    await threads.close();
    await dir.cleanup();
  });

  it('writes the same bytes as a render in this thread, tone steps included', async () => {
    const photo = photoOf(1, 'originals/2024/05/a.jpg');
    const recipe = toneRecipe(photo.sha256);
    const here = await renderToLibrary(layout, photo, recipe, 1, undefined, DEFAULT_EXPORT_SETTINGS);
    const hereBytes = await readFile(here.path);
    const there = await threads.render(layout, photo, recipe, 1, undefined, DEFAULT_EXPORT_SETTINGS);
    expect(threads.threads).toBe(1);
    expect(there.relativePath).toBe(here.relativePath);
    expect(there.sha256).toBe(here.sha256);
    expect(await readFile(there.path)).toEqual(hereBytes);
    expect(there.record).toMatchObject({ photoId: 1, revision: 1, target: 'main', width: here.width, height: here.height });
  });

  it('gives back the renderer\'s own error for a bad original, as the class the job queue tells apart', async () => {
    const photo = photoOf(2, 'originals/2024/05/bad.jpg');
    const here = await renderToLibrary(layout, photo, toneRecipe(photo.sha256), 1, undefined, DEFAULT_EXPORT_SETTINGS).catch((e: unknown) => e);
    const there = await threads.render(layout, photo, toneRecipe(photo.sha256), 1, undefined, DEFAULT_EXPORT_SETTINGS).catch((e: unknown) => e);
    expect(here).toBeInstanceOf(RenderError);
    expect(there).toBeInstanceOf(RenderError);
    expect((there as RenderError).code).toBe('truncated');
    expect({ code: (there as RenderError).code, message: (there as RenderError).message }).toEqual({ code: (here as RenderError).code, message: (here as RenderError).message });
  });

  it('gives back a file-system error with its errno code (retried, not a bad photo)', async () => {
    // A file where the processed folder should be: mkdir fails for root too.
    const other = libraryLayout(path.join(dir.path, 'other'));
    await mkdir(path.join(other.root, 'originals', '2024', '05'), { recursive: true });
    await copyFile(corpusPath('jpeg/camera/Canon_EOS_7D.jpg'), path.join(other.root, 'originals/2024/05/a.jpg'));
    await writeFile(path.join(other.root, 'processed'), 'not a folder');
    const photo = photoOf(3, 'originals/2024/05/a.jpg');
    const here = await renderToLibrary(other, photo, toneRecipe(photo.sha256), 1, undefined, DEFAULT_EXPORT_SETTINGS).catch((e: unknown) => e);
    const there = await threads.render(other, photo, toneRecipe(photo.sha256), 1, undefined, DEFAULT_EXPORT_SETTINGS).catch((e: unknown) => e);
    expect(there).toBeInstanceOf(Error);
    expect(there).not.toBeInstanceOf(RenderError);
    expect((there as { code?: string }).code).toMatch(/^E[A-Z]+$/);
    expect({ code: (there as { code?: string }).code, message: (there as Error).message }).toEqual({ code: (here as { code?: string }).code, message: (here as Error).message });
  });

  it('ends an idle thread and starts a new one for the next render', async () => {
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(threads.threads).toBe(0);
    const photo = photoOf(4, 'originals/2024/05/a.jpg');
    await threads.render(layout, photo, toneRecipe(photo.sha256), 1, undefined, DEFAULT_EXPORT_SETTINGS);
    expect(threads.threads).toBe(1);
  });
});

describe('render thread failures keep what the job queue decides on', () => {
  it('a full disk comes back as a DiskFullError with its folder and sizes', () => {
    const sent = failureOf(new Error('write failed', { cause: new DiskFullError('/lib/processed/2024/05', 1000, 5_000_000) }));
    const back = errorFrom(structuredClone(sent));
    expect(back).toBeInstanceOf(DiskFullError);
    expect(isDiskFull(back)).toBe(true);
    expect(back).toMatchObject({ folder: '/lib/processed/2024/05', freeBytes: 1000, neededBytes: 5_000_000 });
  });

  it('a bare ENOSPC stays a full disk for the queue', () => {
    const back = errorFrom(structuredClone(failureOf(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))));
    expect(isDiskFull(back)).toBe(true);
  });

  it('a renderer\'s refusal keeps its code, anything else is a plain error', () => {
    const refused = errorFrom(structuredClone(failureOf(new RenderError('too-many-pixels', 'too big'))));
    expect(refused).toBeInstanceOf(RenderError);
    expect(refused).toMatchObject({ code: 'too-many-pixels', message: 'too big' });
    const other = errorFrom(structuredClone(failureOf('a string thrown')));
    expect(other).not.toBeInstanceOf(RenderError);
    expect(other.message).toBe('a string thrown');
  });
});
