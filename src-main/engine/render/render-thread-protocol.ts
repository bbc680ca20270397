import type { Photo, Recipe, RenderTarget } from '../../contract/index.ts';
import type { ErrorCode } from '../../contract/errors.ts';
import { DiskFullError, findDiskFull } from '../base/disk-space.ts';
import { RenderError } from './pipeline/render-error.ts';
import type { ExportSettings, RenderedFile } from './render-to-library.ts';

/** Messages between render-threads.ts (the engine's thread) and render-worker.ts. */
export type RenderRequest = {
  id: number;
  /** The library's root: the worker builds the same layout from it (a layout is functions, not data). */
  root: string;
  photo: Photo & { sha256: string; originalPath: string };
  recipe: Recipe;
  revision: number;
  target: RenderTarget | undefined;
  settings: ExportSettings;
};

/**
 * A failure keeps what the job queue decides on: a RenderError's code (the photo stays refused), a
 * full disk's folder and sizes (the kind pauses until there is room), anything else retried.
 */
export type RenderFailure =
  | { kind: 'render'; code: ErrorCode; message: string }
  | { kind: 'disk-full'; folder: string; freeBytes: number | null; neededBytes: number | null; message: string }
  | { kind: 'other'; message: string; errno: string | null };

export type RenderReply = { id: number; ok: true; file: RenderedFile } | { id: number; ok: false; failure: RenderFailure };

/** What a failed render sends back: a structured clone would lose the error's class. */
export function failureOf(error: unknown): RenderFailure {
  if (error instanceof RenderError) return { kind: 'render', code: error.code, message: error.message };
  const full = findDiskFull(error);
  if (full) return { kind: 'disk-full', folder: full.folder, freeBytes: full.freeBytes, neededBytes: full.neededBytes, message: full.message };
  const errno = (error as { code?: unknown } | null)?.code;
  return { kind: 'other', message: error instanceof Error ? error.message : String(error), errno: typeof errno === 'string' ? errno : null };
}

/** The same error class the render would have thrown in the engine's thread, so the queue decides as before. */
export function errorFrom(failure: RenderFailure): Error {
  switch (failure.kind) {
    case 'render':
      return new RenderError(failure.code, failure.message);
    case 'disk-full':
      return new DiskFullError(failure.folder, failure.freeBytes, failure.neededBytes);
    case 'other':
      return Object.assign(new Error(failure.message), failure.errno ? { code: failure.errno } : {});
  }
}
