import { z } from 'zod';
import { AddFolderInput, FolderStatus, HotFolder, UpdateFolderInput } from './folder.ts';
import { DuplicateFile, FlagPhotosInput, Photo, PhotoCounts, PhotoFilter, PhotoQuery, RatePhotosInput } from './photo.ts';
import { DeadLetter, JobKind, QueueFocusInput, QueueStats } from './queue.ts';
import { AppInfo } from './settings.ts';
import { AppError } from './errors.ts';
import { AnalysisChanged, AnalysisGetInput, AnalysisRerunInput, AnalysisRerunOutput, CropSettings, CropSettingsUpdate, PhotoAnalysis } from './analysis.ts';
import { recipeCommands, recipeEvents } from './recipes-api.ts';
import { enhanceCommands } from './enhance.ts';
import {
  FolderUploadSettingsGetInput,
  FolderUploadSettingsOutput,
  FolderUploadSettingsSetInput,
  ImmichSettings,
  ImmichSettingsSetInput,
  ImmichStatus,
  ImmichTestInput,
  ImmichTestResult,
  ImmichUploadInput,
  ImmichUploadOutput,
  UploadProgress,
  UploadTotals,
} from './immich.ts';
import { ModelIdInput, ModelInfo, ModelsProgress, ModelVerification, PhotoSearchInput, PhotoSearchOutput, RemoteVisionStatus, RemoteVisionUpdate } from './models.ts';
import { PerformanceStatus, PerformanceUpdate } from './performance.ts';
import { BundledModel, PhotoUpload, PhotoUploadInput } from './settings-extras.ts';
import { ModelFetchStatus } from './model-fetch.ts';
import { FailureGroupActionOutput, FailureGroupKey, FailureGroupsInput, FailureGroupsOutput } from './failures.ts';
import { apiTokenCommands } from './api-tokens.ts';
import { ExportDefaults, ExportDefaultsUpdate } from './export-metadata.ts';
import { careCommands, careEvents } from './care.ts';

const Id = z.object({ id: z.number().int().positive() });
const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/**
 * The one API between engine and UI. Both transports (Electron IPC, WebSocket) serve exactly this
 * table and validate input and output against it, so a malformed message fails at the boundary.
 */
export const commands = {
  'app.info': { input: Empty, output: AppInfo },
  'photos.list': { input: PhotoQuery, output: z.object({ photos: z.array(Photo), total: z.number().int() }) },
  'photos.get': { input: Id, output: Photo },
  'photos.duplicates': { input: Id, output: z.array(DuplicateFile) },
  'folders.list': { input: Empty, output: z.array(HotFolder) },
  'folders.add': { input: AddFolderInput, output: HotFolder },
  'folders.update': { input: UpdateFolderInput, output: HotFolder },
  'folders.remove': { input: Id, output: Ok },
  'folders.status': { input: Empty, output: z.array(FolderStatus) },
  'queue.stats': { input: Empty, output: QueueStats },
  'queue.deadLetters': { input: Empty, output: z.array(DeadLetter) },
  'queue.retry': { input: Id, output: Ok },
  'queue.discard': { input: Id, output: Ok },
  'queue.focus': { input: QueueFocusInput, output: Ok },
  'analysis.get': { input: AnalysisGetInput, output: PhotoAnalysis },
  'analysis.rerun': { input: AnalysisRerunInput, output: AnalysisRerunOutput },
  'crop.settings.get': { input: Empty, output: CropSettings },
  'crop.settings.set': { input: CropSettingsUpdate, output: CropSettings },
  ...recipeCommands,
  // Grid support: per-stage counts for the filter bar, and every id a query matches (select all filtered).
  'photos.counts': { input: PhotoFilter, output: PhotoCounts },
  'photos.ids': { input: PhotoQuery.omit({ limit: true, offset: true }), output: z.array(z.number().int().positive()) },
  'photos.rate': { input: RatePhotosInput, output: z.object({ updated: z.number().int().nonnegative() }) },
  'photos.flag': { input: FlagPhotosInput, output: z.object({ updated: z.number().int().nonnegative() }) },
  'immich.settings.get': { input: Empty, output: ImmichSettings },
  'immich.settings.set': { input: ImmichSettingsSetInput, output: z.object({ settings: ImmichSettings, test: ImmichTestResult.nullable() }) },
  'immich.test': { input: ImmichTestInput, output: ImmichTestResult },
  'immich.status': { input: Empty, output: ImmichStatus },
  'immich.resume': { input: Empty, output: ImmichStatus },
  'immich.upload': { input: ImmichUploadInput, output: ImmichUploadOutput },
  'folders.uploadSettings.get': { input: FolderUploadSettingsGetInput, output: FolderUploadSettingsOutput },
  'folders.uploadSettings.set': { input: FolderUploadSettingsSetInput, output: FolderUploadSettingsOutput },
  'models.list': { input: Empty, output: z.array(ModelInfo) },
  'models.download': { input: ModelIdInput, output: ModelInfo },
  'models.verify': { input: ModelIdInput, output: ModelVerification },
  'photos.search': { input: PhotoSearchInput, output: PhotoSearchOutput },
  'analysis.remoteVision.get': { input: Empty, output: RemoteVisionStatus },
  'analysis.remoteVision.set': { input: RemoteVisionUpdate, output: RemoteVisionStatus },
  // Settings page: worker counts applied to the running queue, the weights npm brings, one photo's upload record.
  'performance.get': { input: Empty, output: PerformanceStatus },
  'performance.set': { input: PerformanceUpdate, output: PerformanceStatus },
  'models.bundled': { input: Empty, output: z.array(BundledModel) },
  'immich.photoUpload': { input: PhotoUploadInput, output: PhotoUpload.nullable() },
  // Bundled models: what is missing, and one fetch of it (answers at once; 'models.fetch' events follow it).
  'models.fetchStatus': { input: Empty, output: ModelFetchStatus },
  'models.fetch': { input: Empty, output: ModelFetchStatus },
  // The failed-jobs page: dead letters grouped by kind and error code, retried or discarded a group at a time.
  'queue.failures': { input: FailureGroupsInput, output: FailureGroupsOutput },
  'queue.retryGroup': { input: FailureGroupKey, output: FailureGroupActionOutput },
  'queue.discardGroup': { input: FailureGroupKey, output: FailureGroupActionOutput },
  // Settings page: named tokens for the REST API (server/rest), shown once, stored hashed.
  ...apiTokenCommands,
  // What every render writes when the original names no creator / copyright (issue 17).
  'export.defaults.get': { input: Empty, output: ExportDefaults },
  'export.defaults.set': { input: ExportDefaultsUpdate, output: ExportDefaults },
  // Library care: the scheduled check, backup targets, the preview cache's cap (care.ts).
  ...careCommands,
  ...enhanceCommands,
} as const;

export const events = {
  'photo.changed': Photo,
  'folder.changed': z.object({ folders: z.array(HotFolder) }),
  'folder.status': FolderStatus,
  'queue.stats': QueueStats,
  'job.progress': z.object({ kind: JobKind, subject: z.string().nullable(), state: z.enum(['started', 'done', 'failed', 'dead']) }),
  'analysis.changed': AnalysisChanged,
  ...recipeEvents,
  'upload.progress': UploadProgress,
  'upload.totals': UploadTotals,
  'immich.status': ImmichStatus,
  'models.progress': ModelsProgress,
  /** A download finished and checked out: windows that offer what it enables (search by meaning) ask again. */
  'models.installed': z.object({ id: z.string() }),
  /** The bundled models' state: a fetch's progress, its end, a model found missing or damaged. */
  'models.fetch': ModelFetchStatus,
  ...careEvents,
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = z.output<Commands[K]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export type Unsubscribe = () => void;

export interface Api {
  call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
}

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

/** Thrown by the engine and re-created by clients, so a UI can show `code` and `message`. */
export class ApiError extends Error {
  readonly code: AppError['code'];
  readonly problems: AppError['problems'];
  constructor(code: AppError['code'], message: string, problems?: AppError['problems']) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.problems = problems;
  }
  toJSON(): AppError {
    return this.problems ? { code: this.code, message: this.message, problems: this.problems } : { code: this.code, message: this.message };
  }
}

/** Wire messages, shared by every transport. */
export const WireRequest = z.object({ id: z.number().int(), method: z.string(), input: z.unknown() });
export const WireMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), output: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number().int(), error: AppError }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type WireMessage = z.infer<typeof WireMessage>;
