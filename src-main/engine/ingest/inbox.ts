import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from './ingest-error.ts';
import { fsyncDirectory } from './originals-store.ts';
import { sanitizeFileName } from './safe-file-name.ts';

/**
 * The library's inbox: where REST uploads wait for their ingest job, like files in a hot folder.
 * An upload is streamed to `inbox/.upload-*.lbtmp` (swept at start like every `.lbtmp`, so a crash
 * mid-upload leaves nothing), then, once checked, renamed to `inbox/<random>/<its name>`: its own
 * folder keeps the sender's file name (the photo is named after it) without clashes. The ingest job
 * removes it once the original is stored.
 */
export const INBOX_DIR = 'inbox';

export function inboxDir(libraryDir: string): string {
  return path.join(libraryDir, INBOX_DIR);
}

/** A fresh temp path for one upload's bytes (the folder exists when this resolves). */
export async function uploadTempPath(libraryDir: string): Promise<string> {
  const dir = inboxDir(libraryDir);
  await mkdir(dir, { recursive: true });
  return path.join(dir, `.upload-${randomBytes(9).toString('hex')}.lbtmp`);
}

/** Moves a checked upload to its own inbox folder under its (sanitised) name; returns the new path. */
export async function moveIntoInbox(libraryDir: string, tempPath: string, fileName: string): Promise<string> {
  const dir = path.join(inboxDir(libraryDir), randomBytes(6).toString('hex'));
  await mkdir(dir);
  const target = path.join(dir, sanitizeFileName(fileName));
  await rename(tempPath, target);
  await fsyncDirectory(dir);
  return target;
}

/** Removes an inbox file and its folder; already gone counts as removed (a retried job). */
export async function removeInboxFile(file: string): Promise<void> {
  await rm(file, { force: true });
  await rmdir(path.dirname(file)).catch((error: unknown) => {
    if (errnoCode(error) !== 'ENOENT' && errnoCode(error) !== 'ENOTEMPTY') throw error;
  });
}

/**
 * At start: removes inbox folders no ingest job will read again (a crash between the rename and the
 * job being recorded, or a job discarded from the dead letters). Returns how many were removed.
 */
export async function sweepInbox(libraryDir: string, live: ReadonlySet<string>): Promise<number> {
  const root = inboxDir(libraryDir);
  const entries = await readdir(root, { withFileTypes: true }).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  });
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, entry.name);
    const files = await readdir(dir);
    if (files.some((name) => live.has(path.join(dir, name)))) continue;
    await rm(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
