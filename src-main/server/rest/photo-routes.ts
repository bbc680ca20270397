import { stat } from 'node:fs/promises';
import { ApiError, RestListQuery, RestPhoto, RestPhotoPage, type CommandName, type InputProblem } from '../../contract/index.ts';
import { dispatch } from '../../engine/api/dispatch.ts';
import { sendFile } from '../send-file.ts';
import type { RestContext } from './context.ts';
import { readText } from './read-body.ts';
import { sendValid } from './send-valid.ts';

/** The largest recipe a PUT may carry. */
const MAX_RECIPE_BYTES = 1_000_000;

export function getPhoto(ctx: RestContext): void {
  sendValid(ctx, 200, RestPhoto, ctx.rest.photo(ctx.id));
}

export function listPhotos(ctx: RestContext): void {
  const query = RestListQuery.safeParse(Object.fromEntries(ctx.url.searchParams));
  if (!query.success) {
    const problems: InputProblem[] = query.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new ApiError('bad-request', `The query is not valid: ${problems.map((p) => `${p.path || '(query)'}: ${p.message}`).join('; ')}`, problems);
  }
  sendValid(ctx, 200, RestPhotoPage, ctx.rest.list(query.data));
}

/** Approve and reject are the review window's own commands, through the same dispatch as the UI's. */
async function review(ctx: RestContext, command: Extract<CommandName, 'recipe.approve' | 'recipe.reject'>, done: string): Promise<void> {
  ctx.rest.requireActionable(ctx.id, done);
  const outcome = await dispatch(ctx.api, command, { photoId: ctx.id }, ctx.log);
  if (outcome.type === 'error') throw new ApiError(outcome.error.code, outcome.error.message, outcome.error.problems);
  sendValid(ctx, 200, RestPhoto, ctx.rest.photo(ctx.id));
}

export const approvePhoto = (ctx: RestContext) => review(ctx, 'recipe.approve', 'approved');
export const rejectPhoto = (ctx: RestContext) => review(ctx, 'recipe.reject', 'rejected');

export async function putRecipe(ctx: RestContext): Promise<void> {
  ctx.rest.requireActionable(ctx.id, 'edited');
  ctx.proceed();
  await ctx.rest.updateRecipe(ctx.id, await readText(ctx.req, MAX_RECIPE_BYTES));
  sendValid(ctx, 200, RestPhoto, ctx.rest.photo(ctx.id));
}

/** The processed file: its SHA-256 is a strong ETag, so If-Range and resumed downloads work. */
export async function getProcessed(ctx: RestContext): Promise<void> {
  const file = ctx.rest.processedFile(ctx.id);
  const info = await stat(file.path).catch(() => null);
  if (!info?.isFile()) throw new ApiError('not-ready', `The processed file of photo ${ctx.id} is being replaced; ask again in a moment.`);
  const ascii = file.downloadName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  await sendFile(ctx.req, ctx.res, {
    path: file.path,
    info,
    contentType: file.contentType,
    cacheControl: 'private, no-cache',
    etag: `"${file.sha256}"`,
    headers: { 'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.downloadName)}` },
  });
}
