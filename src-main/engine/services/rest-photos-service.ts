import path from 'node:path';
import {
  ApiError,
  PhotoStage,
  REST_BASE,
  restLinks,
  type AppError,
  type Photo,
  type RestAnalysis,
  type RestListQuery,
  type RestPhoto,
  type RestPhotoEvent,
  type RestPhotoPage,
  type RestPhotoSummary,
  type RestProcessed,
  type RestRecipe,
  type RestStatus,
} from '../../contract/index.ts';
import { mimeOf } from '../immich/upload-file.ts';
import type { Library, RenderRecord } from '../library/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import type { PhotoProgressRepo } from '../library/photo-progress-repo.ts';
import type { SubmissionsRepo } from '../library/submissions-repo.ts';
import { needsReview } from '../recipes/ai-review.ts';
import type { AnalysisService } from './analysis-service.ts';
import { restStatus } from './rest-status.ts';
import type { RecipesService } from './recipes-service.ts';

export type RestPhotosDeps = {
  library: Library;
  layout: LibraryLayout;
  progress: PhotoProgressRepo;
  submissions: SubmissionsRepo;
  analysis: AnalysisService;
  recipes: RecipesService;
};

/** The processed file a client may download: where it is and what to call it. */
export type ProcessedFile = { path: string; contentType: string; sha256: string; downloadName: string };

/** Which library stages a REST status can come from (a superset: the exact status is computed per photo). */
const STAGES_FOR: Record<RestStatus, PhotoStage[]> = {
  pending: ['new', 'processing'],
  ingesting: ['new', 'processing'],
  analysing: ['analysing'],
  'needs-review': ['needs-review'],
  rendering: ['approved', 'processing', 'ingested'],
  completed: ['rendered', 'uploaded', 'processing', 'ingested'],
  failed: ['failed', 'new'],
};

/** A status a client can act on: approve, reject and recipe edits need a stored, analysed photo. */
const ACTIONABLE = new Set<RestStatus>(['needs-review', 'rendering', 'completed']);

/**
 * What the REST API reads about photos: status, analysis summary with the models that ran, recipe
 * and processed file, and the paged list. Reads only; changes go through the same commands the UI uses.
 */
export class RestPhotosService {
  #deps: RestPhotosDeps;

  constructor(deps: RestPhotosDeps) {
    this.#deps = deps;
  }

  photo(id: number): RestPhoto {
    const photo = this.#photo(id);
    const state = this.#state(photo);
    const analysis = this.#deps.analysis.get(id);
    const best = new Map(analysis.proposals.map((p) => [p.aspect, p]));
    const summary: RestAnalysis = {
      generatedBy: analysis.runs,
      faces: analysis.faces?.length ?? null,
      keywords: analysis.keywords,
      quality: analysis.quality ? { score: analysis.quality.score, flags: analysis.quality.flags } : null,
      proposals: [...best.values()].map((p) => ({ aspect: p.aspect, confidence: p.confidence, reason: p.reason })),
      moderation: analysis.moderation?.flag ?? null,
    };
    const recipe = this.#recipe(photo);
    const render = recipe ? this.#currentRender(id, recipe.revision) : null;
    const submission = this.#deps.submissions.latestFor(id);
    return {
      id,
      status: state.status,
      fileName: photo.fileName,
      sha256: photo.sha256,
      bytes: photo.bytes,
      width: photo.width,
      height: photo.height,
      createdAt: photo.createdAt,
      updatedAt: state.changedAt,
      submittedBy: submission ? { tokenId: submission.tokenId, name: submission.tokenName, at: submission.createdAt } : null,
      ...(state.error ? { error: state.error } : {}),
      analysis: summary,
      recipe,
      ...(render ? { processed: processedView(render) } : {}),
      links: restLinks(id),
    };
  }

  summary(id: number): RestPhotoSummary {
    const photo = this.#photo(id);
    const state = this.#state(photo);
    return { id, status: state.status, fileName: photo.fileName, createdAt: photo.createdAt, updatedAt: state.changedAt, ...(state.error ? { error: state.error } : {}), links: restLinks(id) };
  }

  /** The event a status listener gets; null for a photo that is gone. */
  event(id: number): RestPhotoEvent | null {
    const photo = this.#deps.library.photos.get(id);
    if (!photo) return null;
    const state = this.#state(photo);
    return { id, status: state.status, updatedAt: state.changedAt };
  }

  status(id: number): RestStatus {
    return this.#state(this.#photo(id)).status;
  }

  /** Refuses an action on a photo that cannot take it yet (409 over REST), with what it is doing instead. */
  requireActionable(id: number, action: string): void {
    const { status, error } = this.#state(this.#photo(id));
    if (ACTIONABLE.has(status)) return;
    const why = status === 'failed' ? `it failed (${error?.message ?? 'see its error'})` : `it is still ${status}; try again once its status is needs-review`;
    throw new ApiError('not-ready', `Photo ${id} cannot be ${action} now: ${why}.`);
  }

  /** Oldest first by id; `cursor` is the opaque position after the previous page's last photo. */
  list(query: RestListQuery): RestPhotoPage {
    let after = decodeCursor(query.cursor);
    const since = query.since ? new Date(query.since).toISOString() : null;
    const stages = query.status ? STAGES_FOR[query.status] : PhotoStage.options;
    const photos: RestPhotoSummary[] = [];
    // Rows of a wider stage set are narrowed to the exact status here; read batches until the page is full.
    for (;;) {
      const batch = this.#deps.progress.feed({ after, since, stages, limit: query.limit });
      for (const row of batch) {
        after = row.id;
        const summary = this.summary(row.id);
        if (query.status && summary.status !== query.status) continue;
        photos.push(summary);
        if (photos.length === query.limit) return { photos, nextCursor: encodeCursor(after) };
      }
      if (batch.length < query.limit) return { photos, nextCursor: null };
    }
  }

  processedFile(id: number): ProcessedFile {
    const photo = this.#photo(id);
    const recipe = this.#recipe(photo);
    const render = recipe ? this.#currentRender(id, recipe.revision) : null;
    if (!render) {
      throw new ApiError('not-ready', `Photo ${id} has no processed file for its current recipe yet (its status is ${this.#state(photo).status}).`);
    }
    const ext = path.extname(render.path).toLowerCase();
    const stem = photo.fileName.replace(/\.[^.]*$/, '');
    return { path: this.#deps.layout.absolute(render.path), contentType: mimeOf(render.path), sha256: render.sha256, downloadName: `${stem}-r${render.revision}${ext}` };
  }

  #photo(id: number): Photo {
    const photo = this.#deps.library.photos.get(id);
    if (!photo) throw new ApiError('not-found', `There is no photo ${id} in this library.`);
    return photo;
  }

  #state(photo: Photo): { status: RestStatus; error: AppError | null; changedAt: string } {
    const { library, progress, submissions } = this.#deps;
    const facts = progress.progress(photo.id);
    const submission = submissions.latestFor(photo.id);
    const current = photo.originalPath ? (library.recipes.get(photo.id)?.revision ?? 0) : 0;
    const status = restStatus({
      stage: photo.stage,
      stored: photo.originalPath !== null,
      ingest: facts.ingest?.state ?? null,
      pendingKinds: facts.pendingKinds,
      renderedCurrent: current > 0 && this.#currentRender(photo.id, current) !== null,
      submitted: submission !== null,
      setupFailed: submission?.setup === 'failed',
    });
    const error: AppError | null =
      status !== 'failed'
        ? null
        : (photo.error ??
          (submission?.setup === 'failed' ? submission.error : null) ??
          (facts.ingest?.state === 'dead' ? { code: 'job-failed', message: facts.ingest.lastError ?? 'Storing the original failed.' } : null) ?? {
            code: 'job-failed',
            message: library.jobs.lastErrorFor(String(photo.id)) ?? 'A step of its processing failed.',
          });
    return { status, error, changedAt: facts.changedAt };
  }

  #recipe(photo: Photo): RestRecipe | null {
    if (!photo.originalPath || !photo.sha256) return null;
    const { recipe, revision } = this.#deps.recipes.current(photo.id);
    return { revision, needsReview: needsReview(recipe), steps: recipe.steps, end: recipe.end };
  }

  #currentRender(photoId: number, revision: number): RenderRecord | null {
    return this.#deps.library.renders.forPhoto(photoId).find((r) => r.revision === revision && r.target === 'main') ?? null;
  }
}

function processedView(render: RenderRecord): RestProcessed {
  return {
    revision: render.revision,
    url: `${REST_BASE}/photos/${render.photoId}/processed`,
    contentType: mimeOf(render.path),
    bytes: render.bytes,
    width: render.width,
    height: render.height,
    sha256: render.sha256,
  };
}

function encodeCursor(afterId: number): string {
  return Buffer.from(`p${afterId}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^p(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) throw new ApiError('bad-request', 'The cursor is not one this server gave out: pass the nextCursor of the previous page, or none for the first.');
  return Number(match[1]);
}
