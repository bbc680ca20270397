import { appendFile, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../render/atomic-write.ts';
import { CareError } from '../care-error.ts';

/**
 * What a backup folder holds, written by Lightbox into the folder itself so the folder explains
 * itself wherever it is plugged in: which library it belongs to, every file with its SHA-256, and
 * the database snapshot. A run appends one journal line per verified copy and rewrites the manifest
 * at the end, so a crash half way loses nothing: the next run replays the journal and carries on.
 */
export const MANIFEST_FILE = 'lightbox-backup.json';
const JOURNAL_FILE = 'lightbox-backup.journal';
export const SNAPSHOT_FILE = 'lightbox.db';

const Sha = z.string().regex(/^[0-9a-f]{64}$/);
const FileEntry = z.object({ sha256: Sha, bytes: z.number().int().nonnegative(), at: z.string() });
export type ManifestFile = z.infer<typeof FileEntry>;

export const Manifest = z.object({
  format: z.literal(1),
  libraryId: z.string().min(1),
  /** Where the library was when this was written (for people reading the file). */
  libraryPath: z.string(),
  createdAt: z.string(),
  lastCompletedAt: z.string().nullable(),
  lastVerifiedAt: z.string().nullable(),
  database: z.object({ sha256: Sha, bytes: z.number().int().nonnegative(), at: z.string() }).nullable(),
  files: z.record(z.string(), FileEntry),
});
export type Manifest = z.infer<typeof Manifest>;

const JournalLine = z.object({ path: z.string(), entry: FileEntry });

export function newManifest(libraryId: string, libraryPath: string): Manifest {
  return { format: 1, libraryId, libraryPath, createdAt: new Date().toISOString(), lastCompletedAt: null, lastVerifiedAt: null, database: null, files: {} };
}

/** The manifest with the journal of an interrupted run applied; null when the folder holds none. */
export async function readManifest(dir: string): Promise<Manifest | null> {
  const text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new CareError('backup-unavailable', `The backup folder ${dir} cannot be read: ${error.message}`, { cause: error });
  });
  if (text === null) return null;
  let manifest: Manifest;
  try {
    manifest = Manifest.parse(JSON.parse(text));
  } catch (error) {
    throw new CareError('backup-failed', `${path.join(dir, MANIFEST_FILE)} is not a Lightbox backup manifest Lightbox can read (${(error as Error).message.split('\n')[0]}).`, { cause: error });
  }
  const journal = await readFile(path.join(dir, JOURNAL_FILE), 'utf8').catch(() => '');
  for (const line of journal.split('\n')) {
    // The last line of a crashed run may be cut short: every whole line before it counts.
    const parsed = line.trim() ? JournalLine.safeParse(safeJson(line)) : null;
    if (parsed?.success) manifest.files[parsed.data.path] = parsed.data.entry;
  }
  return manifest;
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest)}\n`);
  await rm(path.join(dir, JOURNAL_FILE), { force: true });
}

/**
 * Remembers verified copies between manifest writes. Lines are flushed to the disk every
 * `syncEvery` copies (and on close), so a crash loses at most that many, which the next run finds on
 * the target with the right hash and adopts without copying them again.
 */
export class Journal {
  #dir: string;
  #pending: string[] = [];
  #syncEvery: number;

  constructor(dir: string, syncEvery = 50) {
    this.#dir = dir;
    this.#syncEvery = syncEvery;
  }

  async add(relative: string, entry: ManifestFile): Promise<void> {
    this.#pending.push(`${JSON.stringify({ path: relative, entry })}\n`);
    if (this.#pending.length >= this.#syncEvery) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const lines = this.#pending.join('');
    this.#pending = [];
    const file = path.join(this.#dir, JOURNAL_FILE);
    await appendFile(file, lines);
    const handle = await open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
