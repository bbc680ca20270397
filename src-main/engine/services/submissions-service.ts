import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, type Preset } from '../../contract/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { Library } from '../library/index.ts';
import type { Submission, SubmissionsRepo } from '../library/submissions-repo.ts';
import { checkReadable } from '../ingest/check-readable.ts';
import { claimSource } from '../ingest/claim-source.ts';
import { hashFile } from '../ingest/hash-file.ts';
import { moveIntoInbox, removeInboxFile } from '../ingest/inbox.ts';
import { MediaError, openImage } from '../media/index.ts';
import { recipeFromInput } from '../recipes/recipe-input.ts';
import { RecipeError } from '../recipes/recipe-error.ts';
import { recipeApiError, type RecipesService } from './recipes-service.ts';
import type { PresetsService } from './presets-service.ts';

/** Who sent an upload: a named API token, or the server's session token (id null). */
export type Sender = { tokenId: number | null; name: string };

export type Upload = {
  /** The streamed bytes, in the library's inbox (ingest/inbox.ts `uploadTempPath`). Always consumed. */
  tempPath: string;
  fileName: string;
  /** A preset by id or name, applied after the recipe. */
  preset?: string | undefined;
  /** Recipe JSON text: a recipe file or `{ steps }`. */
  recipe?: string | undefined;
  sender: Sender;
};

export type SubmissionsDeps = {
  library: Library;
  libraryDir: string;
  submissions: SubmissionsRepo;
  queue(): JobQueue;
  recipes: RecipesService;
  presets: PresetsService;
  log(message: string): void;
};

/**
 * Photos sent through the REST API enter the library exactly like a file dropped into a watched
 * folder: the same checks, the same claim (duplicate detection), the same ingest job and originals
 * store. What differs is only what a caller must be told at once: a file that is not an image or is
 * damaged, a bad recipe or an unknown preset are refused before anything is recorded, and the
 * photo's id exists when the answer goes out.
 */
export class SubmissionsService {
  #deps: SubmissionsDeps;

  constructor(deps: SubmissionsDeps) {
    this.#deps = deps;
  }

  /** Checks, records and queues an upload; the temp file is moved or removed whatever happens. */
  async submit(upload: Upload): Promise<{ photoId: number; duplicate: boolean }> {
    const { library } = this.#deps;
    let inboxPath: string;
    try {
      inboxPath = await moveIntoInbox(this.#deps.libraryDir, upload.tempPath, upload.fileName || 'upload');
    } catch (error) {
      await removeInboxFile(upload.tempPath).catch(() => undefined);
      throw error;
    }
    let queued = false;
    try {
      const preset = upload.preset ? this.#preset(upload.preset) : null;
      const info = await stat(inboxPath);
      const fileName = path.basename(inboxPath);
      const unreadable = await checkReadable(inboxPath, info.size, fileName);
      if (unreadable) throw new ApiError(unreadable.code, unreadable.message);
      await decodes(inboxPath);
      const hashes = await hashFile(inboxPath);
      const recipeJson = upload.recipe === undefined ? null : validRecipe(upload.recipe, hashes.sha256);
      const claim = library.db.transaction(() => {
        const claimed = claimSource(library, {
          folderId: null,
          path: inboxPath,
          size: info.size,
          mtimeMs: info.mtimeMs,
          sha256: hashes.sha256,
          sha1: hashes.sha1,
          fileName,
          sourcePath: `upload://${upload.sender.name}/${fileName}`,
        });
        this.#deps.submissions.insert({ photoId: claimed.photoId, tokenId: upload.sender.tokenId, tokenName: upload.sender.name, inboxPath, presetId: preset?.id ?? null, recipeJson });
        // The same job a hot folder queues; `consume` removes the inbox copy once the original is stored.
        this.#deps.queue().enqueue('ingest', { path: inboxPath, folderId: null, size: info.size, mtimeMs: info.mtimeMs, consume: true }, {
          subject: inboxPath,
          dedupeKey: `ingest:${inboxPath}:${info.size}:${info.mtimeMs}`,
        });
        return claimed;
      })();
      queued = true;
      // Bytes the library already had: the photo is stored, so what was asked for applies now.
      if (!claim.isNew && library.photos.get(claim.photoId)?.originalPath) await this.photoStored(claim.photoId);
      return { photoId: claim.photoId, duplicate: !claim.isNew };
    } finally {
      if (!queued) await removeInboxFile(inboxPath).catch(() => undefined);
    }
  }

  /**
   * A photo's original is stored: its submissions' recipe, then preset, go into its recipe (before
   * analysis, so an AI crop comes only where neither cropped). Each is recorded in the transaction
   * of the revision it made, so running this again (a restart) never applies one twice.
   */
  async photoStored(photoId: number): Promise<void> {
    for (const submission of this.#deps.submissions.waiting()) {
      if (submission.photoId === photoId) await this.#setUp(submission);
    }
  }

  /** At start: setups a crash interrupted, for photos whose original is stored. */
  async resume(): Promise<void> {
    for (const submission of this.#deps.submissions.waiting()) {
      if (this.#deps.library.photos.get(submission.photoId)?.originalPath) await this.#setUp(submission);
    }
  }

  async #setUp(submission: Submission): Promise<void> {
    const { submissions, recipes } = this.#deps;
    try {
      if (submission.setup === 'waiting' && submission.recipeJson !== null) {
        const { photo } = recipes.current(submission.photoId);
        const { recipe } = recipeFromInput(submission.recipeJson, photo.sha256);
        await recipes.update(submission.photoId, recipe.steps, recipe.end, () => submissions.markSetup(submission.id, 'recipe-applied'));
      }
      if (submission.presetId === null) {
        submissions.markSetup(submission.id, 'done');
        return;
      }
      const preset = this.#deps.presets.get(submission.presetId);
      await recipes.applyPreset(submission.photoId, preset, {
        applied: () => submissions.get(submission.id)?.setup === 'done',
        record: () => submissions.markSetup(submission.id, 'done'),
      });
    } catch (error) {
      const known = error instanceof ApiError || error instanceof RecipeError;
      if (!known) this.#deps.log(`submission ${submission.id} of photo ${submission.photoId}: ${(error as Error).message}`);
      submissions.markFailed(submission.id, {
        code: known ? error.code : 'internal',
        message: known ? error.message : 'The recipe or preset sent with this photo could not be applied; the details are in the log.',
      });
    }
  }

  #preset(idOrName: string): Preset {
    const preset = this.#deps.presets.find(idOrName);
    if (!preset) throw new ApiError('not-found', `There is no preset "${idOrName}" in this library (give its id or name; GET the presets in the app's Presets view).`);
    return preset;
  }
}

/** The same decode check derive would make later: a damaged file is refused now, with the decoder's code. */
async function decodes(file: string): Promise<void> {
  try {
    await openImage(file);
  } catch (error) {
    if (error instanceof MediaError && error.code !== 'store-failed') throw new ApiError(error.code, error.message);
    throw error;
  }
}

function validRecipe(text: string, sha256: string): string {
  try {
    recipeFromInput(text, sha256);
    return text;
  } catch (error) {
    recipeApiError(error);
  }
}
