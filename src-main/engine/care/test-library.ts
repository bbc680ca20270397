import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Photo, RecipeStep } from '../../contract/index.ts';
import { corpusPath } from '../../../test-support/corpus.ts';
import { createEngine, type EngineTuning } from '../engine.ts';

/** Small, well-formed camera JPEGs: the point of care tests is files and hashes, not decoding. */
export const CARE_SOURCES = ['jpeg/camera/Nikon_D5000.jpg', 'jpeg/camera/Sony_DSC-HX5V_2.jpg', 'jpeg/camera/Sony_Cybershot_3.jpg'];

export type Engine = Awaited<ReturnType<typeof createEngine>>;

const step = (op: string, params: unknown): RecipeStep => ({ op, v: op === 'exposure' ? 2 : 1, enabled: true, params, source: 'user' });

/**
 * A real library for care tests: the sources ingested (analysis off), the first photo edited twice
 * (two rendered revisions: the current one and a superseded one, both kept) and the second once.
 * Returns the engine still open.
 */
export async function buildCareLibrary(dir: string, options: { tuning?: EngineTuning; sources?: string[] } = {}): Promise<{ engine: Engine; libraryDir: string; photos: Photo[] }> {
  const inbox = path.join(dir, 'inbox');
  await mkdir(inbox, { recursive: true });
  const sources = options.sources ?? CARE_SOURCES;
  for (const rel of sources) await copyFile(corpusPath(rel), path.join(inbox, path.basename(rel)));
  const libraryDir = path.join(dir, 'lib');
  const engine = await createEngine({ libraryDir, watchFolders: false, tuning: { analysis: { enabled: false }, ...options.tuning } });
  await engine.processOnce([inbox]);
  const listed = (await engine.api.call('photos.list', {})).photos;
  const photos = sources.map((rel) => listed.find((p) => p.fileName === path.basename(rel))!);
  await engine.api.call('recipe.update', { photoId: photos[0]!.id, steps: [step('contrast', { amount: 20 })] });
  await engine.whenIdle();
  await engine.api.call('recipe.update', { photoId: photos[0]!.id, steps: [step('contrast', { amount: 20 }), step('saturation', { amount: -30 })] });
  await engine.whenIdle();
  await engine.api.call('recipe.update', { photoId: photos[1]!.id, steps: [step('contrast', { amount: -15 })] });
  await engine.whenIdle();
  return { engine, libraryDir, photos };
}
