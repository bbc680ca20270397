import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppError } from '../../contract/index.ts';
import type { Library } from '../library/index.ts';
import { isIgnoredName } from '../ingest/file-filter.ts';

export type ProcessSummary = {
  files: number;
  ingested: number;
  duplicates: number;
  /** Files an earlier run already brought in (same path, size and date). */
  alreadyInLibrary: number;
  failed: Array<{ path: string; code: AppError['code']; message: string }>;
};

export type SourceFile = { path: string; size: number; mtimeMs: number };

/** Every file below the folders that is not hidden or a partial download, in a stable order. */
export async function listSourceFiles(dirs: string[], libraryDir: string): Promise<SourceFile[]> {
  const found: SourceFile[] = [];
  const library = path.resolve(libraryDir);
  async function walk(dir: string): Promise<void> {
    if (path.resolve(dir) === library) return;
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const info = await stat(full);
        found.push({ path: full, size: info.size, mtimeMs: info.mtimeMs });
      }
    }
  }
  for (const dir of dirs) await walk(path.resolve(dir));
  return found;
}

/** What happened to each file, read back from the library after the queue drained. */
export function summarise(library: Library, sources: SourceFile[], handledBefore: Set<string>): ProcessSummary {
  const summary: ProcessSummary = { files: sources.length, ingested: 0, duplicates: 0, alreadyInLibrary: 0, failed: [] };
  for (const source of sources) {
    if (handledBefore.has(source.path)) {
      summary.alreadyInLibrary += 1;
      continue;
    }
    const row = library.files.findByPathAndStat(source.path, source.size, source.mtimeMs);
    if (!row) {
      summary.failed.push({ path: source.path, code: 'job-failed', message: library.jobs.lastErrorFor(source.path) ?? 'The file was not ingested; see the queue\'s dead letters.' });
      continue;
    }
    if (row.outcome === 'duplicate') summary.duplicates += 1;
    else if (row.outcome === 'failed' && row.error) summary.failed.push({ path: source.path, ...row.error });
    else {
      const photo = row.photoId ? library.photos.get(row.photoId) : null;
      if (photo?.error) summary.failed.push({ path: source.path, ...photo.error });
      else summary.ingested += 1;
    }
  }
  return summary;
}
