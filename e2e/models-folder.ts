import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../test-support/corpus.ts';

/**
 * A models folder of a test's own: the repo's manifest and bundled weights (linked, not copied),
 * plus `downloads` (stand-ins whose home is a loopback server; one replaces the catalogue's entry of
 * the same id). Downloads land here, never in the repo. The headless server reads it from
 * LIGHTBOX_MODELS_DIR.
 */
export async function modelsFolder(dir: string, downloads: unknown[]): Promise<string> {
  const models = path.join(dir, 'models');
  await mkdir(path.join(models, 'weights'), { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(projectRoot, 'models/manifest.json'), 'utf8')) as {
    models: Array<{ file: string; companions?: Array<{ file: string }> }>;
    downloads: unknown[];
  };
  for (const file of manifest.models.flatMap((m) => [m.file, ...(m.companions ?? []).map((c) => c.file)])) {
    await symlink(path.join(projectRoot, 'models/weights', file), path.join(models, 'weights', file));
  }
  // A stand-in takes the place of the catalogue's entry with its id (the real CLIP cannot be had here).
  const ids = new Set(downloads.map((d) => (d as { id: string }).id));
  manifest.downloads = [...manifest.downloads.filter((d) => !ids.has((d as { id: string }).id)), ...downloads];
  await writeFile(path.join(models, 'manifest.json'), JSON.stringify(manifest));
  return models;
}
