import { randomBytes } from 'node:crypto';
import { constants, copyFile, lstat, mkdir, open, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { AfterIngest } from '../../contract/index.ts';
import { errnoCode, IngestError } from './ingest-error.ts';
import { fsyncDirectory } from './originals-store.ts';
import { splitExtension } from './safe-file-name.ts';

/** Sub-folder of a hot folder that receives sources after ingest; the watcher must skip it. */
export const DONE_DIR = 'done';

export type AfterIngestResult = { action: 'kept' | 'moved' | 'deleted'; to?: string };

const MAX_SUFFIX = 10_000;

/**
 * Applies a folder's after-ingest policy to a source file. Call it ONLY after the original is stored,
 * verified and recorded: 'delete' is the one irreversible step in the whole ingest.
 *
 * - keep: nothing happens.
 * - delete: unlinks the source; an already-missing source counts as deleted (a retry after a crash).
 * - move-to-done: `<root>/done/<path relative to root>`, never overwriting: `IMG_1.jpg` becomes
 *   `IMG_1-2.jpg`, `-3`, ... A rename when possible; across devices (a `done` that is a mount point)
 *   copy to a hidden temp, fsync, check the size, rename into place, then unlink the source.
 *   The free-name check and the rename are two steps; only Lightbox writes into `done/`, one
 *   source at a time, so the gap is not raced in practice.
 *
 * Errors: IngestError 'file-vanished' if the source to move is gone, 'store-failed' if the move fails.
 */
export async function applyAfterIngest(policy: AfterIngest, source: string, root: string): Promise<AfterIngestResult> {
  switch (policy) {
    case 'keep':
      return { action: 'kept' };
    case 'delete':
      try {
        await unlink(source);
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw moveFailed(`Cannot delete "${source}"`, error);
      }
      return { action: 'deleted' };
    case 'move-to-done':
      return { action: 'moved', to: await moveToDone(source, root) };
    default:
      throw new TypeError(`applyAfterIngest: unknown policy ${String(policy satisfies never)}`);
  }
}

async function moveToDone(source: string, root: string): Promise<string> {
  const base = path.resolve(root);
  const src = path.resolve(source);
  const rel = path.relative(base, src);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new TypeError(`applyAfterIngest: "${source}" is not inside the hot folder "${root}"`);
  }
  if (rel.split(path.sep)[0] === DONE_DIR) {
    throw new TypeError(`applyAfterIngest: "${source}" is already in the ${DONE_DIR} folder`);
  }
  let srcStat;
  try {
    srcStat = await stat(src);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new IngestError('file-vanished', `"${source}" was gone before it could be moved to "${DONE_DIR}".`, { cause: error });
    }
    throw moveFailed(`Cannot read "${source}"`, error);
  }
  const wanted = path.join(base, DONE_DIR, rel);
  const dir = path.dirname(wanted);
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw moveFailed(`Cannot create "${dir}"`, error);
  });
  const { stem, ext } = splitExtension(path.basename(wanted));
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const target = n === 1 ? wanted : path.join(dir, `${stem}-${n}${ext}`);
    if (await exists(target)) continue;
    try {
      await rename(src, target);
    } catch (error) {
      if (errnoCode(error) !== 'EXDEV') throw moveFailed(`Cannot move "${source}" to "${target}"`, error);
      await copyAcrossDevices(src, target, srcStat);
    }
    return target;
  }
  throw new IngestError('store-failed', `No free name for "${path.basename(wanted)}" in "${dir}".`);
}

async function copyAcrossDevices(src: string, target: string, srcStat: { size: number; atime: Date; mtime: Date }): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.lbtmp`);
  try {
    await copyFile(src, temp, constants.COPYFILE_EXCL);
    // Photographers sort `done/` by date: keep the source's times, which copyFile does not carry.
    await utimes(temp, srcStat.atime, srcStat.mtime);
    await syncFile(temp);
    const copied = await stat(temp);
    if (copied.size !== srcStat.size) {
      throw new IngestError('store-failed', `Copy of "${src}" to "${dir}" is ${copied.size} bytes instead of ${srcStat.size}; the source was kept.`);
    }
    if (await exists(target)) throw new IngestError('store-failed', `"${target}" appeared during the move; the source was kept.`);
    await rename(temp, target);
    await fsyncDirectory(dir);
    await unlink(src);
  } catch (error) {
    throw error instanceof IngestError ? error : moveFailed(`Cannot move "${src}" to "${target}"`, error);
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

/** fsync needs a writable handle on Windows, but the copy may carry a read-only mode from the source. */
async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+').catch(() => open(file, 'r'));
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function moveFailed(what: string, error: unknown): IngestError {
  return new IngestError('store-failed', `${what}: ${(error as Error).message}`, { cause: error });
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}
