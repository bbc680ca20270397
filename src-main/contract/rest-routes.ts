import { z } from 'zod';
import { AnalysisRun } from './analysis.ts';
import { AppError, ErrorCode, InputProblem } from './errors.ts';
import { RecipeStep } from './recipe.ts';
import {
  RestAnalysis,
  RestErrorBody,
  RestLinks,
  RestListQuery,
  RestPhoto,
  RestPhotoEvent,
  RestPhotoPage,
  RestPhotoSummary,
  RestProcessed,
  RestRecipe,
  RestRecipeInput,
  RestStatus,
  RestSubmitForm,
  RestSubmitted,
  RestSubmitter,
} from './rest-api.ts';

/**
 * Every REST route: the server routes by this table (and checks each route's scope from it), and
 * the OpenAPI document is generated from it, so the two cannot drift apart.
 */

/** `none`: no token needed (the OpenAPI document describes the API, it holds no data). */
export type RestScope = 'none' | 'read' | 'full';

export type RestResponse = { description: string; contentType?: string; schema?: z.ZodType; headers?: Record<string, string> };

export type RestRoute = {
  operationId: string;
  method: 'get' | 'post' | 'put';
  /** Under REST_BASE, OpenAPI-style: `/photos/{id}`. */
  path: string;
  scope: RestScope;
  summary: string;
  description?: string;
  query?: z.ZodObject;
  body?: { contentType: 'application/json' | 'multipart/form-data'; schema: z.ZodType; description: string };
  responses: Record<number, RestResponse>;
};

/** Schemas that become `components/schemas`, by name. Anything else is inlined. */
export const restComponents = z.registry<{ id: string }>();
const components: Array<[z.ZodType, string]> = [
  [RestStatus, 'PhotoStatus'],
  [ErrorCode, 'ErrorCode'],
  [InputProblem, 'Problem'],
  [AppError, 'Error'],
  [RestErrorBody, 'ErrorBody'],
  [RestLinks, 'Links'],
  [RestSubmitted, 'Submitted'],
  [AnalysisRun, 'ModelRun'],
  [RestAnalysis, 'Analysis'],
  [RecipeStep, 'RecipeStep'],
  [RestRecipe, 'Recipe'],
  [RestRecipeInput, 'RecipeInput'],
  [RestProcessed, 'Processed'],
  [RestSubmitter, 'Submitter'],
  [RestPhoto, 'Photo'],
  [RestPhotoSummary, 'PhotoSummary'],
  [RestPhotoPage, 'PhotoPage'],
  [RestPhotoEvent, 'PhotoEvent'],
  [RestSubmitForm, 'SubmitForm'],
];
for (const [schema, id] of components) restComponents.add(schema, { id });

const error = (description: string): RestResponse => ({ description, contentType: 'application/json', schema: RestErrorBody });
const json = (description: string, schema: z.ZodType): RestResponse => ({ description, contentType: 'application/json', schema });

const UNAUTHORIZED = error('No token, or a token that is unknown or revoked (`unauthorized`).');
const FORBIDDEN = error("The token's scope does not allow this (`forbidden`): a read-only token cannot change anything.");
const NOT_FOUND = error('There is no photo with this id (`not-found`).');
const RATE_LIMITED = { ...error('Too many requests for this token (`rate-limited`); wait for Retry-After seconds.'), headers: { 'Retry-After': 'Seconds to wait before the next request.' } };
const NOT_READY = error('The photo is not far enough along for this (`not-ready`): still pending, ingesting or analysing, or failed.');

export const restRoutes = [
  {
    operationId: 'submitPhoto',
    method: 'post',
    path: '/photos',
    scope: 'full',
    summary: 'Submit a photo',
    description:
      'The photo enters the library exactly like a file dropped into a watched folder: same duplicate check, same originals store. ' +
      'The body is streamed to the library, never held in memory. The answer comes once the file is checked and recorded; ' +
      'ingest, analysis and rendering continue in the background (poll the photo, or follow /events).',
    body: { contentType: 'multipart/form-data', schema: RestSubmitForm, description: 'One `file` part; optional `preset` and `recipe` fields.' },
    responses: {
      202: json('Accepted: the photo is recorded and on its way (or, with duplicate: true, was in the library already).', RestSubmitted),
      400: error('The body is not the multipart form described here (`bad-request`).'),
      401: UNAUTHORIZED,
      403: FORBIDDEN,
      413: error('The upload is larger than the server accepts (`too-large`), refused before the body is read when Content-Length says so.'),
      415: error('The body is not multipart/form-data (`bad-request`).'),
      422: error('The file is empty, not an image, or damaged (the ingest codes: `empty-file`, `not-an-image`, `unsupported-format`, `truncated`, `corrupt-image`, `too-many-pixels`...), the recipe is invalid (`invalid-recipe`, every problem listed) or the preset unknown (`not-found`).'),
      429: RATE_LIMITED,
    },
  },
  {
    operationId: 'listPhotos',
    method: 'get',
    path: '/photos',
    scope: 'read',
    summary: 'List photos, oldest first, in pages',
    query: RestListQuery,
    responses: { 200: json('One page.', RestPhotoPage), 400: error('A parameter is not valid (`bad-request`).'), 401: UNAUTHORIZED, 429: RATE_LIMITED },
  },
  {
    operationId: 'getPhoto',
    method: 'get',
    path: '/photos/{id}',
    scope: 'read',
    summary: "A photo's status, analysis (with the models and versions used), recipe and processed file",
    responses: { 200: json('The photo.', RestPhoto), 401: UNAUTHORIZED, 404: NOT_FOUND, 429: RATE_LIMITED },
  },
  {
    operationId: 'getProcessed',
    method: 'get',
    path: '/photos/{id}/processed',
    scope: 'read',
    summary: 'The rendered file of the current recipe',
    description: 'Supports ETag / If-None-Match and single byte ranges (Range, If-Range).',
    responses: {
      200: { description: 'The file.', contentType: 'image/*' },
      206: { description: 'The requested byte range.', contentType: 'image/*' },
      304: { description: 'Not modified.' },
      401: UNAUTHORIZED,
      404: NOT_FOUND,
      409: NOT_READY,
      416: { description: 'The range is outside the file; Content-Range says how large it is.' },
      429: RATE_LIMITED,
    },
  },
  {
    operationId: 'approvePhoto',
    method: 'post',
    path: '/photos/{id}/approve',
    scope: 'full',
    summary: 'Approve what the AI proposed (the photo is then rendered)',
    responses: { 200: json('The photo after approval.', RestPhoto), 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 409: NOT_READY, 429: RATE_LIMITED },
  },
  {
    operationId: 'rejectPhoto',
    method: 'post',
    path: '/photos/{id}/reject',
    scope: 'full',
    summary: 'Reject what the AI proposed (the photo is rendered without it)',
    responses: { 200: json('The photo after rejection.', RestPhoto), 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 409: NOT_READY, 429: RATE_LIMITED },
  },
  {
    operationId: 'putRecipe',
    method: 'put',
    path: '/photos/{id}/recipe',
    scope: 'full',
    summary: "Replace the photo's recipe (one undoable edit; the photo is rendered again)",
    body: { contentType: 'application/json', schema: RestRecipeInput, description: 'A recipe file or `{ "steps": [...] }`.' },
    responses: {
      200: json('The photo with its new recipe.', RestPhoto),
      401: UNAUTHORIZED,
      403: FORBIDDEN,
      404: NOT_FOUND,
      409: NOT_READY,
      413: error('The body is larger than 1 MB (`too-large`).'),
      422: error('The recipe is not valid (`invalid-recipe` with every problem, or `recipe-too-new`).'),
      429: RATE_LIMITED,
    },
  },
  {
    operationId: 'events',
    method: 'get',
    path: '/events',
    scope: 'read',
    summary: 'Server-Sent Events: a `photo` event (data: PhotoEvent) whenever a photo changes status',
    description:
      'Each event has an id. A client that reconnects with the `Last-Event-ID` header (EventSource sends it by itself) is first sent the events it missed; ' +
      'when they cannot be known (the server restarted, or they are older than the last 5000 kept) it gets one `reset` event (data: `{message}`) instead: list the photos again with `GET /photos?since=`.',
    responses: { 200: { description: 'An endless text/event-stream; a comment every 15 s keeps proxies from closing it.', contentType: 'text/event-stream', schema: RestPhotoEvent }, 401: UNAUTHORIZED, 429: RATE_LIMITED },
  },
  {
    operationId: 'openApi',
    method: 'get',
    path: '/openapi.json',
    scope: 'none',
    summary: 'This document',
    responses: { 200: { description: 'The OpenAPI 3.1 document.', contentType: 'application/json' } },
  },
] as const satisfies readonly RestRoute[];

export type RestOperationId = (typeof restRoutes)[number]['operationId'];
