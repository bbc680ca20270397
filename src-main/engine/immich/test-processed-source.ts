/**
 * Test support: a ProcessedSource that renders with sharp into the library folder, standing in for
 * the render job of another branch. Output is deterministic (same original, same bytes), and written
 * to a temp name then renamed, so a process killed mid-render leaves no half file behind.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { libraryLayout } from '../library/library-layout.ts';
import type { ProcessedSource } from './processed-source.ts';

export const TEST_RECIPE_HASH = 'f'.repeat(64);

export function renderingProcessedSource(libraryDir: string): ProcessedSource & { close(): void } {
  const layout = libraryLayout(libraryDir);
  let db: Database.Database | null = null;
  const source = async (photoId: number) => {
    db ??= new Database(layout.database, { readonly: true, fileMustExist: true });
    const row = db.prepare<[number], { original_path: string | null }>('SELECT original_path FROM photos WHERE id = ?').get(photoId);
    if (!row?.original_path) return null;
    const target = path.join(layout.root, 'processed-test', `${photoId}.jpg`);
    const exists = await stat(target).then(() => true, () => false);
    if (!exists) {
      await mkdir(path.dirname(target), { recursive: true });
      const bytes = await sharp(layout.absolute(row.original_path)).rotate().resize({ width: 480, withoutEnlargement: true }).modulate({ brightness: 1.08 }).jpeg({ quality: 80 }).toBuffer();
      const tmp = `${target}.${process.pid}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, target);
    }
    return { path: target, revision: 1, recipeHash: TEST_RECIPE_HASH };
  };
  return Object.assign(source, { close: () => db?.close() });
}
