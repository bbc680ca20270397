import type { BatchProgress, JobKind, KindStats, QueueStats, StageProgress } from '../../contract/index.ts';

/** The stages in the order a photo passes them; each queues the next (ingest queues derive, and so on). */
const CHAIN: readonly JobKind[] = ['ingest', 'derive', 'analyze', 'render', 'upload'];
/** Work beside the chain (a preset on a selection): counted as queued, nothing projected. */
const BESIDE: readonly JobKind[] = ['apply-preset'];
/** The pace is measured over this much recent time: long enough to smooth a burst, short enough to follow a change. */
const WINDOW_MS = 30_000;
/** Less than this between the first and last sample says nothing about a pace. */
const MIN_SPAN_MS = 2_000;
/** A stage queues at most this many jobs per job of the stage before it (an upload waits for its render, then goes). */
const MAX_FANOUT = 3;

type Counts = Partial<Record<JobKind, number>>;
type Sample = { at: number; finished: Counts };

const finishedOf = (kinds: Record<string, KindStats>): Counts =>
  Object.fromEntries(Object.entries(kinds).map(([kind, s]) => [kind, s.done + s.dead])) as Counts;

/**
 * Progress of the current batch (everything queued since the queue was last idle): per stage done
 * and total, pace and time left. A drop of 600 photos queues its analyses only as derives finish,
 * so a stage's total also counts what the stages before it will still queue, at the ratio this
 * batch has shown so far (duplicates queue no derive; an upload waiting for its render runs twice).
 */
export class BatchTracker {
  #base: Counts | null = null;
  #startedAt = 0;
  #samples: Sample[] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Whether a batch is under way (from the first job queued after idle to the next idle stats). */
  isOpen(): boolean {
    return this.#base !== null;
  }

  /** The queue leaves idle: what finished so far belongs to earlier batches. */
  begin(stats: Pick<QueueStats, 'kinds'>): void {
    this.#base = finishedOf(stats.kinds);
    this.#startedAt = this.#now();
    this.#samples = [];
  }

  /** The open batch's progress at these counts; undefined (and the batch over) when the queue is idle. */
  observe(stats: QueueStats): BatchProgress | undefined {
    if (stats.idle) {
      this.#base = null;
      return undefined;
    }
    // Jobs left unfinished by an earlier run: the batch starts with them.
    if (!this.#base) this.begin(stats);
    const base = this.#base!;
    const now = this.#now();
    const finished = finishedOf(stats.kinds);
    this.#samples.push({ at: now, finished });
    while (this.#samples.length > 2 && now - this.#samples[1]!.at > WINDOW_MS) this.#samples.shift();

    const stages: StageProgress[] = [];
    let upstreamPending = 0;
    let upstreamDone = 0;
    for (const kind of [...CHAIN, ...BESIDE]) {
      const s = stats.kinds[kind];
      const done = Math.max(0, (finished[kind] ?? 0) - (base[kind] ?? 0));
      const known = done + (s ? s.queued + s.running + s.failed : 0);
      const chained = CHAIN.includes(kind);
      const ratio = !chained ? 0 : upstreamDone > 0 ? Math.min(MAX_FANOUT, known / upstreamDone) : known > 0 ? 1 : 0;
      const total = known + Math.round(ratio * upstreamPending);
      if (chained) {
        upstreamPending = total - done;
        upstreamDone = done;
      }
      if (total === 0) continue;
      const perMinute = this.#pace(kind);
      const left = total - done;
      stages.push({ kind, done, total, perMinute, etaSeconds: left === 0 ? 0 : perMinute ? (left / perMinute) * 60 : null });
    }
    // The batch is through when its slowest stage is; a stage with work left and no pace yet leaves it unknown.
    const open = stages.filter((s) => s.done < s.total);
    const etaSeconds = open.length === 0 ? 0 : open.some((s) => s.etaSeconds === null) ? null : Math.max(...open.map((s) => s.etaSeconds!));
    return { startedAt: new Date(this.#startedAt).toISOString(), stages, fraction: fractionOf(stages, etaSeconds, (now - this.#startedAt) / 1000), etaSeconds };
  }

  /** Jobs of `kind` finished per minute across the window; null while the window is too short. */
  #pace(kind: JobKind): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at - first.at < MIN_SPAN_MS) return null;
    const n = (last.finished[kind] ?? 0) - (first.finished[kind] ?? 0);
    return n > 0 ? (n / (last.at - first.at)) * 60_000 : null;
  }
}

/**
 * The share of the batch's time gone. Jobs are not counted: imports take milliseconds and analyses
 * seconds, so a job count read 68 % with one photo of 24 analysed. Without an ETA, the least
 * advanced stage says how far the batch is.
 */
function fractionOf(stages: StageProgress[], etaSeconds: number | null, elapsedSeconds: number): number {
  if (stages.length === 0) return 0;
  if (etaSeconds !== null) return etaSeconds === 0 ? 1 : Math.min(1, elapsedSeconds / (elapsedSeconds + etaSeconds));
  return Math.min(...stages.map((s) => s.done / s.total));
}
