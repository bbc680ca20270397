import { constants } from 'node:fs';
import { copyFile, link, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ApiError, AppError, type Api } from '../contract/index.ts';

/**
 * What the preload may send when something is dropped on the window: absolute paths and nothing
 * else. The page never sees or names a path; the preload reads them from the dropped File objects.
 */
export const DropRequest = z.array(z.string().min(1).max(4096).refine((p) => path.isAbsolute(p) && !p.includes('\0'), 'must be an absolute path')).min(1).max(10_000);

export const DropOutcome = z.object({
  /** Folders that are now hot folders (including ones that already were). */
  folders: z.array(z.string()),
  /** Files copied into `target`, as their new paths. */
  copied: z.array(z.string()),
  /** The hot folder files were copied into, if any were. */
  target: z.string().nullable(),
  problems: z.array(AppError.extend({ path: z.string() })),
  /** One sentence for a notification or a dialog. */
  summary: z.string(),
});
export type DropOutcome = z.infer<typeof DropOutcome>;

const NO_HOT_FOLDER = 'Lightbox has no hot folder to copy them into: drop a folder on the window or use File › Add Hot Folder… first.';

/**
 * Dropped folders become hot folders; dropped files are copied into the first enabled hot folder,
 * where the watcher imports them like any other arrival. Copies are written under a hidden
 * `.part` name the watcher ignores, then linked into place, so a half-copied file is never seen
 * and an existing file is never overwritten.
 */
export async function acceptDrop(api: Api, paths: readonly string[]): Promise<DropOutcome> {
  const problems: DropOutcome['problems'] = [];
  const folders: string[] = [];
  const files: string[] = [];
  for (const dropped of new Set(paths.map((p) => path.resolve(p)))) {
    const info = await stat(dropped).catch(() => null);
    if (info?.isDirectory()) folders.push(dropped);
    else if (info?.isFile()) files.push(dropped);
    else problems.push({ path: dropped, code: 'file-vanished', message: `${dropped} is no longer there (or is not a file or folder), so it was skipped.` });
  }

  const added: string[] = [];
  for (const folder of folders) {
    try {
      added.push((await api.call('folders.add', { path: folder })).path);
    } catch (error) {
      problems.push({ path: folder, ...asAppError(error) });
    }
  }

  const copied: string[] = [];
  let target: string | null = null;
  if (files.length > 0) {
    target = (await api.call('folders.list', {})).find((f) => f.enabled)?.path ?? null;
    if (target === null) {
      problems.push({ path: files[0]!, code: 'no-hot-folder', message: `Could not copy ${plural(files.length, 'dropped file')}: ${NO_HOT_FOLDER}` });
    } else {
      for (const file of files) {
        // Dropped from the hot folder itself (a drag out of a file manager showing it): already there.
        if (path.dirname(file) === target) continue;
        try {
          copied.push(await copyInto(file, target));
        } catch (error) {
          const reason = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
          problems.push({ path: file, code: 'copy-failed', message: `Could not copy ${path.basename(file)} into ${target}${reason}: check that the folder is writable and has free space.` });
        }
      }
    }
  }

  return { folders: added, copied, target: copied.length > 0 ? target : null, problems, summary: summarise(added, copied, target, problems) };
}

async function copyInto(file: string, folder: string): Promise<string> {
  const { name, ext } = path.parse(file);
  const temp = path.join(folder, `.${name}${ext}.${process.pid}.part`);
  await copyFile(file, temp, constants.COPYFILE_EXCL);
  try {
    for (let n = 1; n < 10_000; n++) {
      const candidate = path.join(folder, n === 1 ? `${name}${ext}` : `${name} (${n})${ext}`);
      try {
        await link(temp, candidate);
        return candidate;
      } catch (error) {
        if (errorCode(error) === 'EEXIST') continue;
        if (errorCode(error) !== 'EPERM' && errorCode(error) !== 'ENOTSUP' && errorCode(error) !== 'ENOSYS') throw error;
        // No hard links here (some network shares, FAT): rename, after checking the name is free.
        if (await stat(candidate).then(() => true, () => false)) continue;
        await rename(temp, candidate);
        return candidate;
      }
    }
    throw new Error(`no free name for ${name}${ext}`);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

function asAppError(error: unknown): AppError {
  if (error instanceof ApiError) return error.toJSON();
  console.error('[lightbox] a dropped folder could not be added:', error);
  return { code: 'internal', message: 'Lightbox hit an internal error; the details are in its log.' };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summarise(folders: string[], copied: string[], target: string | null, problems: DropOutcome['problems']): string {
  const done: string[] = [];
  if (folders.length === 1) done.push(`Now watching ${folders[0]}.`);
  if (folders.length > 1) done.push(`Now watching ${plural(folders.length, 'more folder')}.`);
  if (copied.length > 0) done.push(`Copied ${plural(copied.length, 'file')} into ${target}.`);
  const first = problems[0];
  if (!first) return done.length > 0 ? done.join(' ') : 'Nothing to do: those files are already in the hot folder.';
  const rest = problems.length > 1 ? ` (${plural(problems.length - 1, 'more problem')}.)` : '';
  return [...done, first.message + rest].join(' ');
}
