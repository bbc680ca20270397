import { watch, type ChokidarOptions } from 'chokidar';
import { constants } from 'node:fs';
import { access, opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isIgnoredDirName } from './file-filter.ts';
import { errnoCode, IngestError } from './ingest-error.ts';

export interface FolderWatcher {
  close(): Promise<void>;
}

export type WatchFolderOptions = {
  recursive: boolean;
  /** Network shares (SMB/NFS) deliver no change events: stat-poll them instead. */
  polling: boolean;
  /** Poll period in polling mode; each file is stat'ed this often. Default 2000 ms. */
  pollIntervalMs?: number;
  /** Absolute folders never reported nor descended into: the library if it sits inside root, `done/`. */
  ignorePaths?: string[];
  /** Which files are reported; called with absolute paths of files only (folders are always walked). */
  filter: (absPath: string) => boolean;
  /** A file is present, appeared or changed. Not deduplicated and not necessarily complete. */
  onCandidate: (absPath: string) => void;
  onError: (err: Error) => void;
  /**
   * The root is missing or unreadable (at start, or it disappeared: an unplugged card reader, a
   * dropped share). The watcher is inert from then on; the caller may watch again later.
   */
  onUnavailable?: (err: IngestError) => void;
};

const DEFAULT_POLL_MS = 2000;
const CASE_INSENSITIVE_FS = process.platform === 'win32' || process.platform === 'darwin';

/**
 * Watches one hot folder (chokidar behind this interface, DESIGN §1). Reports every file already there
 * and then every file added or changed; resolves once the initial scan has been reported.
 *
 * No awaitWriteFinish: chokidar does not hold back files found by the initial scan, so "is it
 * complete" is the caller's job for every candidate alike (`waitUntilStable`, then a decode).
 * Hidden folders and OS/NAS housekeeping folders (`@eaDir`, `$RECYCLE.BIN`...) are never walked.
 *
 * A missing, non-folder or unreadable root is reported through `onUnavailable` (else `onError`) as
 * IngestError 'read-failed' and the returned watcher is inert: the caller decides when to try
 * again. A root inside one of `ignorePaths` (a hot folder inside the library) goes to `onError`:
 * trying again would not help.
 */
export async function watchFolder(root: string, opts: WatchFolderOptions): Promise<FolderWatcher> {
  const base = path.resolve(root);
  const ignorePaths = (opts.ignorePaths ?? []).map((p) => path.resolve(p));

  const unavailable = opts.onUnavailable ?? opts.onError;
  const missing = await checkRoot(base);
  const misplaced = insideIgnored(base, ignorePaths);
  if (missing ?? misplaced) {
    if (missing) unavailable(missing);
    else opts.onError(misplaced!);
    return { close: async () => undefined };
  }

  const isIgnored = (p: string): boolean => {
    const abs = path.resolve(p);
    if (ignorePaths.some((ignored) => isInside(abs, ignored))) return true;
    const rel = path.relative(base, abs);
    if (rel === '' || !isInside(abs, base)) return false;
    return rel.split(path.sep).some(isIgnoredDirName);
  };

  const interval = opts.pollIntervalMs ?? DEFAULT_POLL_MS;
  const options: ChokidarOptions = {
    persistent: true,
    ignoreInitial: false,
    ignored: (p: string) => isIgnored(p),
    usePolling: opts.polling,
    // Images count as "binary" to chokidar, which polls those at binaryInterval: keep both equal.
    interval,
    binaryInterval: interval,
    awaitWriteFinish: false,
  };
  if (!opts.recursive) options.depth = 0;

  let closed = false;
  const watcher = watch(base, options);
  const report = (error: unknown) => {
    if (!closed) opts.onError(watchError(base, error));
  };
  // chokidar types every event's first argument as `string | Error`; file events always carry a path.
  const deliver = (p: string | Error) => {
    if (closed || typeof p !== 'string') return;
    const abs = path.resolve(p);
    try {
      if (opts.filter(abs)) opts.onCandidate(abs);
    } catch (error) {
      // A throwing callback must not kill the watcher for the other files.
      opts.onError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  watcher.on('add', deliver);
  watcher.on('change', deliver);
  watcher.on('error', report);
  watcher.on('unlinkDir', (p: string | Error) => {
    if (!closed && typeof p === 'string' && path.resolve(p) === base) {
      unavailable(new IngestError('read-failed', `The hot folder "${base}" disappeared (was the drive or share disconnected?).`));
    }
  });

  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return {
    close: async () => {
      closed = true;
      await watcher.close();
    },
  };
}

async function checkRoot(base: string): Promise<IngestError | null> {
  try {
    const s = await stat(base);
    if (!s.isDirectory()) return new IngestError('read-failed', `The hot folder "${base}" is a file, not a folder.`);
    await access(base, constants.R_OK | constants.X_OK);
    // access() can say yes where ACLs or a dead share say no: really list it once.
    await (await opendir(base)).close();
    return null;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return new IngestError(
        'read-failed',
        `The hot folder "${base}" does not exist (was it renamed, or is its drive or share not connected?).`,
        { cause: error },
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return new IngestError('read-failed', `Lightbox is not allowed to read the hot folder "${base}".`, { cause: error });
    }
    return new IngestError('read-failed', `Cannot read the hot folder "${base}": ${(error as Error).message}`, { cause: error });
  }
}

function insideIgnored(base: string, ignorePaths: string[]): IngestError | null {
  const container = ignorePaths.find((ignored) => isInside(base, ignored));
  return container
    ? new IngestError('read-failed', `The hot folder "${base}" is inside "${container}", which Lightbox writes to; it is not watched.`)
    : null;
}

function watchError(base: string, error: unknown): IngestError {
  const code = errnoCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC' || code === 'EMFILE') {
    return new IngestError(
      'read-failed',
      `The system ran out of file watches while watching "${base}"; turn on polling for this folder or raise the limit (fs.inotify.max_user_watches on Linux).`,
      { cause: error },
    );
  }
  return new IngestError('read-failed', `Watching "${base}" failed: ${message}`, { cause: error });
}

/** Is `child` equal to or below `parent`? Both absolute. */
function isInside(child: string, parent: string): boolean {
  const a = CASE_INSENSITIVE_FS ? child.toLowerCase() : child;
  const b = CASE_INSENSITIVE_FS ? parent.toLowerCase() : parent;
  const rel = path.relative(b, a);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
