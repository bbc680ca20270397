import { z } from 'zod';
import {
  AnalysisTask,
  ApiError,
  CropProposal,
  DetectedFace,
  EnhanceResult,
  ModerationResult,
  ObjectsResult,
  QualityResult,
  SubjectResult,
  type AnalysisRun,
  type NearDuplicateGroup,
  type PhotoAnalysis,
} from '../../contract/index.ts';
import type { AnalysisRepo, PhotosRepo } from '../library/index.ts';
import { groupOf, type HashedItem } from '../analysis/near-duplicates.ts';
import { moderationInstalled } from '../analysis/moderation/moderate.ts';

const CropsStored = z.object({ straighten: z.object({ angle: z.number(), confidence: z.number() }), proposals: z.array(CropProposal) });
const HashStored = z.object({ hash: z.string().regex(/^[0-9a-f]+$/) });
const QualityScore = z.object({ score: z.number() }).loose();
const AestheticStored = z.object({ score: z.number() });

/** Capture time on a fixed clock: the camera's wall clock read as UTC. Only differences matter. */
function captureMs(local: string | null): number | null {
  if (!local) return null;
  const ms = Date.parse(`${local}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** analysis.get / analysis.rerun: reads stored results; enqueues work, never runs models itself. */
export class AnalysisService {
  #photos: PhotosRepo;
  #analysis: AnalysisRepo;
  #enqueue: (photoId: number) => boolean;

  constructor(photos: PhotosRepo, analysis: AnalysisRepo, enqueue: (photoId: number) => boolean) {
    this.#photos = photos;
    this.#analysis = analysis;
    this.#enqueue = enqueue;
  }

  get(photoId: number): PhotoAnalysis {
    const photo = this.#photos.get(photoId);
    if (!photo) throw new ApiError('not-found', `There is no photo ${photoId} in this library.`);
    const rows = photo.sha256 ? this.#analysis.forPhoto(photo.sha256) : [];
    const runs: AnalysisRun[] = [];
    const completed = new Map<string, unknown>();
    for (const row of rows) {
      const task = AnalysisTask.safeParse(row.task);
      if (!task.success) continue;
      runs.push({ task: task.data, model: row.model, version: row.version, provider: row.provider, status: row.status, error: row.error as AnalysisRun['error'], updatedAt: row.updatedAt });
      if (row.status === 'completed') completed.set(task.data, row.result);
    }
    const parse = <T>(schema: z.ZodType<T>, value: unknown): T | null => (value === undefined ? null : schema.parse(value));
    const crops = parse(CropsStored, completed.get('crops'));
    const objects = parse(ObjectsResult, completed.get('objects'));
    const quality = parse(QualityResult, completed.get('quality'));
    // The aesthetic score is its own row (its own model and version) shown as part of quality.
    const aesthetic = parse(AestheticStored, completed.get('aesthetic'));
    if (quality && aesthetic) quality.aesthetic = aesthetic.score;
    // Moderation: absent where the weights are not installed and the photo was never moderated.
    const moderated = runs.some((r) => r.task === 'moderation');
    const moderation = moderated || moderationInstalled() ? { moderation: parse(ModerationResult, completed.get('moderation')) } : {};
    return {
      photoId,
      runs,
      faces: parse(z.array(DetectedFace), completed.get('faces')),
      subject: parse(SubjectResult, completed.get('subject')),
      quality,
      straighten: crops ? crops.straighten.angle : null,
      proposals: crops?.proposals ?? [],
      nearDuplicates: completed.has('hash') ? this.groupOf(photoId) : null,
      objects: objects?.objects ?? null,
      keywords: objects?.keywords ?? [],
      enhance: parse(EnhanceResult, completed.get('enhance')),
      ...moderation,
    };
  }

  /**
   * The stored crop proposals alone. After each analysis the engine needs only these: get() also
   * walks the whole library for the near-duplicate group, which at 1,000 photos held the event loop
   * for 100+ ms per photo (bench/pipeline).
   */
  proposals(photoId: number): CropProposal[] {
    const sha256 = this.#photos.get(photoId)?.sha256;
    const row = sha256 ? this.#analysis.forPhoto(sha256).find((r) => r.task === 'crops' && r.status === 'completed') : undefined;
    return row ? CropsStored.parse(row.result).proposals : [];
  }

  /** The near-duplicate group holding `photoId`, over every hashed photo in the library. */
  groupOf(photoId: number): NearDuplicateGroup | null {
    const items: HashedItem[] = [];
    for (const p of this.#analysis.hashedPhotos()) {
      const hash = HashStored.safeParse(p.hash);
      if (!hash.success) continue;
      const quality = QualityScore.safeParse(p.quality);
      items.push({ id: p.photoId, hash: hash.data.hash, capturedAt: captureMs(p.captureLocal), quality: quality.success ? quality.data.score : null });
    }
    const group = groupOf(items, photoId);
    return group ? { photoIds: group.ids, bestPhotoId: group.bestId } : null;
  }

  rerun(photoIds: number[]): { queued: number } {
    for (const id of photoIds) {
      if (!this.#photos.get(id)) throw new ApiError('not-found', `There is no photo ${id} in this library.`);
    }
    let queued = 0;
    for (const id of photoIds) if (this.#enqueue(id)) queued++;
    return { queued };
  }
}
