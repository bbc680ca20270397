import { z } from 'zod';
import {
  ApiError,
  CaptionResult,
  RemoteVisionSettings,
  type ModelInfo,
  type ModelVerification,
  type PhotoSearchOutput,
  type RemoteVisionStatus,
  type SemanticAnalysis,
  type SemanticTag,
} from '../../../contract/index.ts';
import type { Library } from '../../library/index.ts';
import { AnalysisError } from '../analysis-error.ts';
import type { ModelManager, ProgressEvent } from '../models/model-manager.ts';
import type { OnnxPool } from '../onnx-pool.ts';
import { caption, KEY_ENV, remoteReady } from '../remote/caption-provider.ts';
import type { RgbImage } from '../rgb-image.ts';
import { AestheticHead } from './aesthetic-head.ts';
import { ClipModel } from './clip-model.ts';
import { embeddingFromBase64, embeddingToBase64 } from './clip-preprocess.ts';
import { DEFAULT_TAG_LABELS, promptFor, zeroShotTags } from './clip-search.ts';
import { EmbeddingIndex } from './embedding-index.ts';
import { MatchCache, semanticMatches } from './semantic-matches.ts';

/**
 * CLIP embeddings, zero-shot tags, captions and semantic search for the engine, plus the model
 * manager's API. Everything is optional: without an installed CLIP model the analyze job skips
 * the embedding, analysis.get says "not installed" and photos.search answers with that error.
 */

export const CLIP_MODEL_ID = 'clip-vit-b32';
export const AESTHETIC_MODEL_ID = 'laion-aesthetic-vit-b32';
export const REMOTE_SETTINGS_KEY = 'analysis.remoteVision';

const EmbeddingStored = z.object({ dim: z.number().int().positive(), vector: z.string(), tags: z.array(z.object({ label: z.string(), score: z.number(), probability: z.number() })) });

/** An extra step of the analyze job, after the pixel tasks (see analyze-handler.ts). */
export type AnalyzeExtra = {
  needed: (sha256: string) => Promise<boolean>;
  run: (input: { sha256: string; rgb: RgbImage }) => Promise<void>;
};

export type SemanticDeps = {
  library: Library;
  pool: OnnxPool;
  manager: ModelManager;
  clipModelId?: string;
  aestheticModelId?: string;
  progress?: (event: ProgressEvent) => void;
  /** After a download: the engine enqueues analysis for the photos that lack embeddings. */
  installed?: (id: string) => void;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
};

export class SemanticService {
  private readonly deps: SemanticDeps;
  private readonly clipId: string;
  private readonly aestheticId: string;
  private headPromise: Promise<AestheticHead> | null = null;
  private readonly embeddings: EmbeddingIndex;
  private readonly matches = new MatchCache();

  get clipModelId(): string {
    return this.clipId;
  }
  private clipPromise: Promise<ClipModel> | null = null;
  private readonly downloads = new Map<string, Promise<ModelInfo>>();

  constructor(deps: SemanticDeps) {
    this.deps = deps;
    this.clipId = deps.clipModelId ?? CLIP_MODEL_ID;
    this.aestheticId = deps.aestheticModelId ?? AESTHETIC_MODEL_ID;
    this.embeddings = new EmbeddingIndex(deps.library.analysis, this.clipId, (result) => {
      const stored = EmbeddingStored.safeParse(result);
      return stored.success ? stored.data : null;
    });
  }

  async listModels(): Promise<ModelInfo[]> {
    return (await this.deps.manager.list()).map(({ dir: _dir, ...m }) => m);
  }

  /** One download per model at a time; a second call joins the first. */
  download(id: string): Promise<ModelInfo> {
    let p = this.downloads.get(id);
    if (!p) {
      p = this.deps.manager
        .download(id, (e) => this.deps.progress?.(e))
        .then(({ dir: _dir, ...m }) => {
          if (id === this.clipId) this.clipPromise = null;
          if (id === this.aestheticId) this.headPromise = null;
          this.deps.installed?.(id);
          return m;
        })
        .catch((err: unknown) => {
          throw err instanceof AnalysisError ? new ApiError(err.code, err.message) : err;
        })
        .finally(() => this.downloads.delete(id));
      this.downloads.set(id, p);
    }
    return p;
  }

  async verify(id: string): Promise<ModelVerification> {
    try {
      return await this.deps.manager.verify(id);
    } catch (err) {
      throw err instanceof AnalysisError ? new ApiError(err.code, err.message) : err;
    }
  }

  /** A models folder whose manifest has no CLIP entry (a test copy) simply has no CLIP installed. */
  private async clipState(): Promise<string> {
    if (!this.deps.manager.catalogue().some((m) => m.id === this.clipId)) return 'not-installed';
    return this.deps.manager.state(this.clipId);
  }

  /** Installed, and made for this engine's CLIP model (a head scores one model's embeddings only). */
  private async aestheticReady(): Promise<boolean> {
    const entry = this.deps.manager.catalogue().find((m) => m.id === this.aestheticId);
    if (entry?.aesthetic?.embeddingModel !== this.clipId) return false;
    return (await this.deps.manager.state(this.aestheticId)) === 'installed';
  }

  private head(): Promise<AestheticHead> {
    this.headPromise ??= AestheticHead.open(this.deps.manager, this.aestheticId, this.deps.pool);
    this.headPromise.catch(() => (this.headPromise = null));
    return this.headPromise;
  }

  /** Scores the embedding and stores it as its own row (shown as quality.aesthetic); failures stay on that row. */
  private async scoreAesthetic(sha256: string, embedding: Float32Array): Promise<void> {
    const version = this.deps.manager.entry(this.aestheticId).version;
    const row = { sha256, task: 'aesthetic', model: this.aestheticId, version, provider: 'local' } as const;
    try {
      const head = await this.head();
      const score = Math.round((await head.score(embedding)) * 1e4) / 1e4;
      this.deps.library.analysis.put({ ...row, version: head.version, status: 'completed', result: { score }, error: null });
    } catch (err) {
      const e = err instanceof AnalysisError ? err : new AnalysisError('job-failed', `Aesthetic scoring failed: ${(err as Error).message}`);
      this.deps.library.analysis.put({ ...row, status: 'failed', result: null, error: { code: e.code, message: e.message } });
    }
  }

  private remoteSettings(): RemoteVisionSettings {
    const parsed = RemoteVisionSettings.safeParse(this.deps.library.settings.get(REMOTE_SETTINGS_KEY) ?? {});
    return parsed.success ? parsed.data : RemoteVisionSettings.parse({});
  }

  remoteVision(): RemoteVisionStatus {
    return { ...this.remoteSettings(), keySet: Boolean((this.deps.env ?? process.env)[KEY_ENV]) };
  }

  /** Stores the remote caption settings (the key stays in the environment). */
  setRemoteVision(update: Partial<RemoteVisionSettings>): RemoteVisionStatus {
    const next = RemoteVisionSettings.parse({ ...this.remoteSettings(), ...update });
    if (next.enabled && (next.baseUrl === null || next.model === null)) {
      throw new ApiError('bad-request', 'To turn on remote captions, give the service\'s base URL and model name.');
    }
    this.deps.library.settings.set(REMOTE_SETTINGS_KEY, next);
    return this.remoteVision();
  }

  /** The installed CLIP model, opened (and hashed) once; null when it is not installed. */
  async clip(): Promise<ClipModel | null> {
    if ((await this.clipState()) !== 'installed') return null;
    this.clipPromise ??= ClipModel.open(this.deps.manager, this.clipId, this.deps.pool);
    this.clipPromise.catch(() => (this.clipPromise = null));
    return this.clipPromise;
  }

  private async tagPrompts(model: ClipModel) {
    return Promise.all(DEFAULT_TAG_LABELS.map(async (label) => ({ label, embedding: await model.encodeText(promptFor(label)) })));
  }

  /** The analyze job's extra step: embedding + tags (when CLIP is installed), then a caption. */
  readonly analyzeExtra: AnalyzeExtra = {
    needed: async (sha256) => {
      const model = (await this.clipState()) === 'installed' ? this.deps.manager.entry(this.clipId) : null;
      const emb = model ? this.deps.library.analysis.get(sha256, this.clipId) : null;
      const embeddingDue = model !== null && !(emb?.status === 'completed' && emb.version === model.version);
      // Local captions come with the embedding (from its tags); only the remote one is due on its own.
      const captionDue = remoteReady(this.remoteSettings()) && !this.captionRow(sha256);
      return embeddingDue || captionDue || (model !== null && (await this.aestheticDue(sha256)));
    },
    run: async ({ sha256, rgb }) => {
      const analysis = this.deps.library.analysis;
      // Only the aesthetic score is missing (its head was installed after CLIP): score the stored
      // embedding, no second pass of the image through CLIP.
      const stored = this.currentEmbedding(sha256);
      if (stored && (await this.aestheticDue(sha256)) && !remoteReady(this.remoteSettings())) {
        await this.scoreAesthetic(sha256, stored);
        return;
      }
      let tags: SemanticTag[] = [];
      const model = await this.clip().catch((err: unknown) => {
        const e = err instanceof AnalysisError ? err : new AnalysisError('job-failed', String(err));
        analysis.put({ sha256, task: 'embedding', model: this.clipId, version: this.deps.manager.entry(this.clipId).version, provider: 'local', status: 'failed', result: null, error: { code: e.code, message: e.message } });
        return null;
      });
      if (model) {
        try {
          const v = await model.encodeImage(rgb);
          tags = zeroShotTags(v, await this.tagPrompts(model), { logitScale: model.spec.logitScale, minProbability: 0.1, topK: 5 });
          analysis.put({ sha256, task: 'embedding', model: model.id, version: model.version, provider: 'local', status: 'completed', result: { dim: v.length, vector: embeddingToBase64(v), tags }, error: null });
          if (await this.aestheticReady()) await this.scoreAesthetic(sha256, v);
        } catch (err) {
          const e = err instanceof AnalysisError ? err : new AnalysisError('job-failed', `CLIP failed: ${(err as Error).message}`);
          analysis.put({ sha256, task: 'embedding', model: model.id, version: model.version, provider: 'local', status: 'failed', result: null, error: { code: e.code, message: e.message } });
        }
      }
      const settings = this.remoteSettings();
      // Nothing to caption with: no remote, and no tags for a local caption.
      if (!remoteReady(settings) && tags.length === 0) return;
      const local = (): CaptionResult | null =>
        model && tags.length > 0 ? { text: `A photo of ${tags.map((t) => t.label).join(', ')}.`, provider: 'local', model: model.key } : null;
      try {
        const got = await caption(rgb, { settings, env: this.deps.env, local, log: this.deps.log });
        analysis.put({ sha256, task: 'caption', model: got.model, version: '1', provider: got.provider, status: 'completed', result: got, error: null });
      } catch (err) {
        const e = err instanceof AnalysisError ? err : new AnalysisError('job-failed', `Captioning failed: ${(err as Error).message}`);
        analysis.put({ sha256, task: 'caption', model: 'caption', version: '1', provider: 'local', status: 'failed', result: null, error: { code: e.code, message: e.message } });
      }
    },
  };

  private async aestheticDue(sha256: string): Promise<boolean> {
    if (!(await this.aestheticReady())) return false;
    const row = this.deps.library.analysis.get(sha256, this.aestheticId);
    return !(row?.status === 'completed' && row.version === this.deps.manager.entry(this.aestheticId).version);
  }

  /** The stored embedding when it is from the installed CLIP version. */
  private currentEmbedding(sha256: string): Float32Array | null {
    if (!this.deps.manager.catalogue().some((m) => m.id === this.clipId)) return null;
    const row = this.deps.library.analysis.get(sha256, this.clipId);
    if (row?.status !== 'completed' || row.version !== this.deps.manager.entry(this.clipId).version) return null;
    const parsed = EmbeddingStored.safeParse(row.result);
    return parsed.success ? embeddingFromBase64(parsed.data.vector) : null;
  }

  private captionRow(sha256: string) {
    return this.deps.library.analysis.forPhoto(sha256).filter((r) => r.task === 'caption' && r.status === 'completed').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0] ?? null;
  }

  /** The semantic part of analysis.get. */
  async status(photoId: number): Promise<SemanticAnalysis> {
    const photo = this.deps.library.photos.get(photoId);
    const state = await this.clipState();
    const row = photo?.sha256 ? this.deps.library.analysis.get(photo.sha256, this.clipId) : null;
    const cap = photo?.sha256 ? this.captionRow(photo.sha256) : null;
    const stored = row?.status === 'completed' ? EmbeddingStored.safeParse(row.result) : null;
    return {
      model: this.clipId,
      status: state !== 'installed' ? 'not-installed' : row ? row.status : 'pending',
      message: state !== 'installed' ? `The CLIP model ${this.clipId} is not installed: run \`lightbox models download ${this.clipId}\` for semantic search and tags.` : null,
      error: (row?.error as SemanticAnalysis['error']) ?? null,
      tags: stored?.success ? stored.data.tags : [],
      caption: cap ? CaptionResult.parse(cap.result) : null,
    };
  }

  /** The installed CLIP model, or the error that says how to install it. */
  private async requireClip(): Promise<ClipModel> {
    const model = await this.clip().catch((err: unknown) => {
      throw err instanceof AnalysisError ? new ApiError(err.code, err.message) : err;
    });
    if (!model) throw new ApiError('not-installed', `Searching by meaning needs the CLIP model ${this.clipId}: run \`lightbox models download ${this.clipId}\` (or download it in Settings › Models).`);
    return model;
  }

  async search(text: string, limit: number): Promise<PhotoSearchOutput> {
    const model = await this.requireClip();
    const hits = (await this.embeddings.rank(await model.encodeText(text), limit)).map((r) => ({ photoId: r.item, score: Math.max(-1, Math.min(1, Math.round(r.score * 1e4) / 1e4)) }));
    return { model: model.key, hits, missing: this.deps.library.analysis.photosWithout(this.clipId).length };
  }

  /** The photos the search box finds by meaning for `text`, best first (photos.list with `semantic`). */
  async similarPhotos(text: string): Promise<number[]> {
    const model = await this.requireClip();
    return this.matches.get(`${model.key}\u0000${text}`, this.embeddings.generation(), async () => semanticMatches(await this.embeddings.rank(await model.encodeText(text))));
  }
}
