import type { AnalysisTask, DetectedFace, SubjectResult } from '../../contract/analysis.ts';
import type { ErrorCode } from '../../contract/errors.ts';
import { DetectedFace as DetectedFaceSchema, ObjectsResult as ObjectsSchema, SubjectResult as SubjectSchema } from '../../contract/analysis.ts';
import { z } from 'zod';
import type { JobContext, JobData } from '../jobs/index.ts';
import { PermanentJobError } from '../jobs/index.ts';
import type { Library } from '../library/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import { openImage } from '../media/decode.ts';
import { MediaError } from '../media/media-error.ts';
import { AnalysisError, isModelGap } from './analysis-error.ts';
import { analyzerFor, decodeForAnalysis, pixelTaskList, pixelTasks } from './analyze-image.ts';
import { inferencePriority, type OnnxPool } from './onnx-pool.ts';
import { inProcessPixelMath, MATH_TASKS, type MathTask, type PixelMath } from './pixel-math.ts';
import type { RgbImage } from './rgb-image.ts';

export type AnalyzeDeps = {
  library: Library;
  layout: LibraryLayout;
  pool: OnnxPool;
  /** Where the plain-JS steps run: the engine passes its worker threads (pixel-math-pool.ts); by default, in process. */
  math?: PixelMath;
  /** ISNet peaks ~2 GB and takes seconds: settings, tests and the benchmark can turn it off. */
  subjectEnabled: () => boolean;
  /** Called when a photo's analysis starts and when it ends (for the analysis.changed event). */
  changed: (photoId: number, status: 'analysing' | 'completed' | 'failed') => void;
  /**
   * After the analysis, inside the job (so a drained queue means its effects are stored too).
   * `incomplete`: some task had no model (its crops were made without it). `autoEnhance`: the job was
   * queued by enhance.auto, so its proposals are wanted whatever the policy.
   */
  completed?: (photoId: number, outcome: { incomplete: boolean; autoEnhance: boolean }) => Promise<void>;
  /** A fetch of this model is under way: the job waits for it rather than analyse without it. */
  modelArriving?: (modelId: string) => Promise<void> | null;
  /** A model turned out missing or damaged while a photo needed it (the UI is told, the fetcher looks again). */
  modelGap?: (modelId: string) => void;
  maxPixels?: number;
  /** Optional steps after the pixel tasks (CLIP embedding, captions), each deciding if it is due. */
  extras?: Array<{ needed: (sha256: string) => Promise<boolean>; run: (input: { sha256: string; rgb: RgbImage }) => Promise<void> }>;
};

type PixelTask = keyof typeof pixelTasks;

const StoredTags = z.object({ tags: z.array(z.object({ label: z.string(), probability: z.number() })) }).loose();

/** The CLIP zero-shot tags stored for the photo (any CLIP model), or none when CLIP is not installed. */
function clipTags(library: Library, sha256: string): Array<{ label: string; probability: number }> {
  const row = library.analysis.forPhoto(sha256).find((r) => r.task === 'embedding' && r.status === 'completed');
  const parsed = StoredTags.safeParse(row?.result);
  return parsed.success ? parsed.data.tags : [];
}

function errorOf(error: unknown): { code: ErrorCode; message: string } {
  if (error instanceof AnalysisError || error instanceof MediaError) return { code: error.code, message: error.message };
  return { code: 'job-failed', message: `Analysis failed: ${(error as Error).message ?? String(error)}` };
}

/**
 * Marks a photo's analyses `pending` when its job is queued, so analysis.get shows what is coming.
 * Results already current (same model version) stay readable: a forced rerun replaces them when it runs.
 */
export function markPending(deps: Pick<AnalyzeDeps, 'library' | 'subjectEnabled'>, photoId: number): void {
  const photo = deps.library.photos.get(photoId);
  if (!photo?.sha256 || photo.error) return;
  const tasks: AnalysisTask[] = [...pixelTaskList(deps.subjectEnabled()), 'crops', 'enhance'];
  for (const task of tasks) {
    const a = analyzerFor(task);
    const row = deps.library.analysis.get(photo.sha256, a.model);
    if (row?.status === 'completed' && row.version === a.version) continue;
    deps.library.analysis.put({ sha256: photo.sha256, task, ...a, status: 'pending', result: null, error: null });
  }
}

/**
 * The analyze job: faces, subject (optional), quality, perceptual hash, objects, moderation, then
 * crop proposals, for one photo. Results are cached by (photo SHA-256, model): a task whose stored
 * result has the model's current version is not run again unless the job is forced
 * (analysis.rerun). The original is decoded once, only if some task needs pixels. Each task's status
 * and error is stored on its row. A missing or damaged model is not a failure (DESIGN §2): its row
 * says so, every other task still runs, crops come from what is known, and the job succeeds; the
 * photo is analysed again when the model arrives. Any other failed task fails the job (retried with
 * backoff); an unreadable original is permanent: trying again cannot help until someone fixes it.
 */
export function createAnalyzeHandler(deps: AnalyzeDeps) {
  const { library } = deps;
  const math = deps.math ?? inProcessPixelMath;
  const isMath = (task: PixelTask): task is MathTask => (MATH_TASKS as readonly string[]).includes(task);
  const handler = async (job: JobData<'analyze'>): Promise<void> => {
    const photo = library.photos.get(job.photoId);
    if (!photo?.originalPath || !photo.sha256 || photo.error) return;
    const sha256 = photo.sha256;
    // A model that is being fetched right now (a first start) is worth the wait: analysed without
    // it, the photo would only be analysed again when it arrives. Moderation is asked for too: it
    // joins the task list once its weights are in.
    const wanted = new Set([...pixelTaskList(deps.subjectEnabled()), 'moderation' as const].map((t) => analyzerFor(t).model));
    await Promise.all([...wanted].map((model) => deps.modelArriving?.(model)).filter((p) => p));
    const tasks: PixelTask[] = pixelTaskList(deps.subjectEnabled());
    const row = (task: AnalysisTask) => library.analysis.get(sha256, analyzerFor(task).model);
    const current = (task: AnalysisTask) => {
      const r = row(task);
      return !job.force && r?.status === 'completed' && r.version === analyzerFor(task).version ? r : null;
    };
    const todo = tasks.filter((t) => !current(t));
    const extras = [];
    for (const extra of deps.extras ?? []) if (job.force || (await extra.needed(sha256))) extras.push(extra);
    const autoEnhance = job.autoEnhance === true;
    if (todo.length === 0 && current('crops') && current('enhance') && extras.length === 0) {
      if (autoEnhance) await deps.completed?.(photo.id, { incomplete: tasks.some((t) => isModelGap(row(t)?.error)), autoEnhance });
      return;
    }

    const put = (task: AnalysisTask, status: 'processing' | 'completed' | 'failed', result: unknown = null, error: { code: string; message: string } | null = null) =>
      library.analysis.put({ sha256, task, ...analyzerFor(task), status, result, error });
    // A row that has a result keeps it while it is redone (only its status changes).
    for (const task of [...todo, 'crops' as const, 'enhance' as const]) {
      if (row(task)?.result != null) library.analysis.setStatus(sha256, analyzerFor(task).model, 'processing');
      else put(task, 'processing');
    }
    deps.changed(photo.id, 'analysing');

    const failures: Array<{ task: AnalysisTask; error: { code: ErrorCode; message: string }; permanent: boolean }> = [];
    let rgb: RgbImage | null = null;
    try {
      // verify: false: derive decoded every pixel of this original under the same failOn rule (a
      // photo that failed there has an error and never gets here), and decodeForAnalysis decodes again.
      const image = await openImage(deps.layout.absolute(photo.originalPath), { maxPixels: deps.maxPixels, verify: false });
      const pixels = await decodeForAnalysis(image);
      rgb = pixels;
      // Side by side: each model has its own worker thread, so the photo takes as long as its
      // slowest model, not their sum.
      await Promise.all(todo.map(async (task) => {
        try {
          put(task, 'completed', await (isMath(task) ? math[task](pixels) : pixelTasks[task]({ rgb: pixels, pool: deps.pool })));
        } catch (error) {
          const e = errorOf(error);
          put(task, 'failed', null, e);
          if (isModelGap(e)) deps.modelGap?.(analyzerFor(task).model);
          else failures.push({ task, error: e, permanent: false });
        }
      }));
      const faces = row('faces');
      if (faces?.status !== 'completed' && !isModelGap(faces?.error)) throw new AnalysisError('job-failed', 'Crop proposals need the faces analysis, which did not complete.');
      const subjectRow = deps.subjectEnabled() ? row('subject') : null;
      const subject: SubjectResult | null = subjectRow?.status === 'completed' ? SubjectSchema.parse(subjectRow.result) : null;
      // null: nobody looked for faces (no face model), which is not the same as finding none.
      const faceList: DetectedFace[] | null = faces?.status === 'completed' ? z.array(DetectedFaceSchema).parse(faces.result) : null;
      // Objects are optional for crops: without them (failed, weights missing) proposals still come.
      const objectsRow = row('objects');
      const objects = objectsRow?.status === 'completed' ? ObjectsSchema.parse(objectsRow.result).objects : [];
      put('crops', 'completed', await math.crops({ rgb, width: image.width, height: image.height, faces: faceList, subject, objects }));
      // Extras record their own status and errors on their rows; they never fail the job.
      for (const extra of extras) await extra.run({ sha256, rgb });
      // A model installed while this job ran (CLIP) asked for this photo again: the queue will run
      // the job once more (EnqueueOptions.again), but what is due already runs now, on these pixels,
      // and spares that run a second decode.
      for (const extra of deps.extras ?? []) if (!extras.includes(extra) && (await extra.needed(sha256))) await extra.run({ sha256, rgb });
      // Auto-enhance last: it reads the CLIP tags the extras just stored (a sunset stays warm).
      try {
        put('enhance', 'completed', await math.enhance({ rgb, faces: faceList ?? [], subject, objects, tags: clipTags(library, sha256) }));
      } catch (error) {
        const e = errorOf(error);
        put('enhance', 'failed', null, e);
        failures.push({ task: 'enhance', error: e, permanent: false });
      }
    } catch (error) {
      const e = errorOf(error);
      // An unreadable original fails every task that was waiting for its pixels.
      for (const task of rgb ? (['crops', 'enhance'] as const) : [...todo, 'crops' as const, 'enhance' as const]) put(task, 'failed', null, e);
      if (!rgb || failures.length === 0) failures.push({ task: 'crops', error: e, permanent: error instanceof MediaError });
    }
    if (failures.length > 0) {
      deps.changed(photo.id, 'failed');
      const message = failures.map((f) => `${f.task}: ${f.error.message}`).join(' ');
      if (failures.some((f) => f.permanent)) throw new PermanentJobError(message, { code: failures.find((f) => f.permanent)!.error.code });
      throw new AnalysisError(failures[0]!.error.code, message);
    }
    await deps.completed?.(photo.id, { incomplete: tasks.some((t) => isModelGap(row(t)?.error)), autoEnhance });
    deps.changed(photo.id, 'completed');
  };
  // The open photo's inferences go ahead of the backlog's in each model's worker (onnx-pool.ts).
  return (job: JobData<'analyze'>, ctx: JobContext): Promise<void> => inferencePriority.run(ctx.priority, () => handler(job));
}
