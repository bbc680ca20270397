import path from 'node:path';
import { ErrorCode, JobKind, type DeadLetter, type FailedJob, type FailureGroup, type JobState, type KindStats, type QueueStats } from '../../contract/index.ts';
import type { Db } from './database.ts';

/** A stored job. `data` is the raw JSON text: the queue parses and validates it, and dead-letters what fails. */
export type JobRow = {
  id: number;
  kind: string;
  subject: string | null;
  data: string;
  priority: number;
  state: JobState;
  attempts: number;
  runAfter: number;
  leaseUntil: number | null;
  lastError: string | null;
  lastErrorCode: string | null;
  dedupeKey: string | null;
  createdAt: string;
  updatedAt: string;
};

export type NewJob = {
  kind: string;
  subject: string | null;
  data: unknown;
  priority: number;
  dedupeKey: string | null;
};

const COLUMNS = `id, kind, subject, data, priority, state, attempts, run_after AS runAfter, lease_until AS leaseUntil,
  last_error AS lastError, last_error_code AS lastErrorCode, dedupe_key AS dedupeKey, created_at AS createdAt, updated_at AS updatedAt`;
const UNFINISHED = `('queued', 'running', 'failed')`;
/** A dead letter's cause; those stored before codes were (migration 014, job-error-codes) read as the generic one. */
const CODE = `COALESCE(last_error_code, 'job-failed')`;
const IN_GROUP = `state = 'dead' AND kind = @kind AND ${CODE} = @code`;

type FailedRow = Omit<FailedJob, 'fileName' | 'code'> & { code: string; photoName: string | null };

/**
 * The jobs table, SQL only: every time is passed in (ms since the epoch) so the queue owns the clock
 * and its policy (leases, backoff, attempts) lives in jobs/.
 */
export class JobsRepo {
  #db;
  #insert;
  #unfinishedByKey;
  #claim;
  #peek;
  #supersede;
  #extend;
  #done;
  #again;
  #failed;
  #dead;
  #requeue;
  #deadUnknown;
  #byState;
  #deadList;
  #get;
  #toQueued;
  #delete;
  #unfinished;
  #nextWake;
  #lastError;
  #groups;
  #groupJobs;
  #groupIds;
  #discardGroup;
  #release;
  #claimUrgent;
  #peekUrgent;
  #shift;
  #unboost;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare<[Record<string, unknown>], { id: number }>(`
      INSERT INTO jobs (kind, subject, data, priority, state, attempts, run_after, dedupe_key, created_at, updated_at)
      VALUES (@kind, @subject, @data, @priority, 'queued', 0, @now, @dedupe_key, @iso, @iso)
      ON CONFLICT (dedupe_key) WHERE state IN ${UNFINISHED} DO NOTHING
      RETURNING id`);
    this.#unfinishedByKey = db.prepare<[string], number>(`SELECT id FROM jobs WHERE dedupe_key = ? AND state IN ${UNFINISHED}`).pluck();
    this.#claim = db.prepare<[{ kind: string; now: number; lease: number; iso: string }], JobRow>(`
      UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = @lease, updated_at = @iso
      WHERE id = (
        SELECT id FROM jobs INDEXED BY jobs_claim WHERE kind = @kind AND state IN ('queued', 'failed') AND run_after <= @now
        ORDER BY priority DESC, id LIMIT 1)
      RETURNING ${COLUMNS}`);
    this.#peek = db
      .prepare<[{ kind: string; now: number }], number>(`SELECT 1 FROM jobs INDEXED BY jobs_claim WHERE kind = @kind AND state IN ('queued', 'failed') AND run_after <= @now LIMIT 1`)
      .pluck();
    // The open photo's jobs may take a slot beyond the kind's limit (jobs/focus.ts): only those are looked for.
    this.#claimUrgent = db.prepare<[{ kind: string; now: number; lease: number; iso: string; min: number }], JobRow>(`
      UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = @lease, updated_at = @iso
      WHERE id = (
        SELECT id FROM jobs INDEXED BY jobs_claim WHERE kind = @kind AND state IN ('queued', 'failed') AND run_after <= @now AND priority >= @min
        ORDER BY priority DESC, id LIMIT 1)
      RETURNING ${COLUMNS}`);
    this.#peekUrgent = db
      .prepare<[{ kind: string; now: number; min: number }], number>(
        `SELECT 1 FROM jobs INDEXED BY jobs_claim WHERE kind = @kind AND state IN ('queued', 'failed') AND run_after <= @now AND priority >= @min LIMIT 1`,
      )
      .pluck();
    this.#shift = db.prepare<[number, string, string]>(
      `UPDATE jobs SET priority = priority + ?, updated_at = ? WHERE subject IN (SELECT value FROM json_each(?)) AND state IN ${UNFINISHED}`,
    );
    // Boosts are whole multiples of `step` and base priorities lie within ±step/2: the base is the remainder.
    this.#unboost = db.prepare<[{ step: number }]>(
      `UPDATE jobs SET priority = ((priority + @step / 2) % @step) - @step / 2 WHERE priority >= @step / 2 AND state IN ${UNFINISHED}`,
    );
    this.#extend = db.prepare<[number, string, number]>(`UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND state = 'running'`);
    this.#done = db.prepare<[string, number]>(`UPDATE jobs SET state = 'done', lease_until = NULL, updated_at = ? WHERE id = ?`);
    this.#again = db.prepare<[number, string, number]>(
      `UPDATE jobs SET state = 'queued', attempts = 0, run_after = ?, lease_until = NULL, last_error = NULL, last_error_code = NULL, updated_at = ? WHERE id = ? AND state = 'running'`,
    );
    this.#failed = db.prepare<[number, string, string | null, string, number]>(
      `UPDATE jobs SET state = 'failed', lease_until = NULL, run_after = ?, last_error = ?, last_error_code = ?, updated_at = ? WHERE id = ?`,
    );
    this.#dead = db.prepare<[string, string | null, string, number]>(`UPDATE jobs SET state = 'dead', lease_until = NULL, last_error = ?, last_error_code = ?, updated_at = ? WHERE id = ?`);
    this.#requeue = db.prepare<[string, number]>(
      `UPDATE jobs SET state = 'queued', lease_until = NULL, updated_at = ? WHERE state = 'running' AND lease_until < ?`,
    );
    this.#deadUnknown = db.prepare<[string, string, string]>(`
      UPDATE jobs SET state = 'dead', lease_until = NULL, last_error = ?, last_error_code = 'invalid-job-data', updated_at = ?
      WHERE state IN ${UNFINISHED} AND kind NOT IN (SELECT value FROM json_each(?))`);
    this.#byState = db.prepare<[], { kind: string; state: JobState; n: number }>('SELECT kind, state, COUNT(*) AS n FROM jobs GROUP BY kind, state');
    this.#deadList = db.prepare<[], DeadLetter>(`
      SELECT id, kind, subject, attempts, last_error AS lastError, updated_at AS updatedAt
      FROM jobs WHERE state = 'dead' ORDER BY updated_at DESC, id DESC`);
    this.#get = db.prepare<[number], JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`);
    this.#toQueued = db.prepare<[number, string, number]>(
      `UPDATE jobs SET state = 'queued', attempts = 0, run_after = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'dead'`,
    );
    this.#delete = db.prepare<[number]>(`DELETE FROM jobs WHERE id = ? AND state = 'dead'`);
    this.#supersede = db.prepare<[number, number]>(
      `DELETE FROM jobs WHERE state = 'dead' AND subject = (SELECT subject FROM jobs WHERE id = ?) AND kind = (SELECT kind FROM jobs WHERE id = ?)`,
    );
    this.#unfinished = db.prepare<[], number>(`SELECT COUNT(*) FROM jobs WHERE state IN ${UNFINISHED}`).pluck();
    this.#nextWake = db.prepare<[number], number | null>(`
      SELECT MIN(t) FROM (
        SELECT MIN(run_after) AS t FROM jobs WHERE state IN ('queued', 'failed') AND run_after > ?
        UNION ALL SELECT MIN(lease_until) FROM jobs WHERE state = 'running')`).pluck();
    // jobs_wake (state, run_after) finds the dead letters; there are few next to the done jobs.
    this.#groups = db.prepare<[], { kind: string; code: string; n: number; message: string }>(`
      SELECT kind, ${CODE} AS code, COUNT(*) AS n, MAX(updated_at) AS newest,
        (SELECT last_error FROM jobs x WHERE x.state = 'dead' AND x.kind = j.kind AND COALESCE(x.last_error_code, 'job-failed') = COALESCE(j.last_error_code, 'job-failed')
          ORDER BY x.updated_at DESC, x.id DESC LIMIT 1) AS message
      FROM jobs j WHERE state = 'dead' GROUP BY kind, code ORDER BY n DESC, newest DESC, kind, code`);
    // Photo jobs are filed under the photo id; an ingest under its source path (no photo yet).
    this.#groupJobs = db.prepare<[{ kind: string; code: string; limit: number }], FailedRow>(`
      SELECT j.id, j.kind, j.subject, ${CODE} AS code, j.attempts, j.last_error AS lastError, j.updated_at AS updatedAt,
        p.id AS photoId, p.file_name AS photoName, COALESCE(p.media_rev, 0) AS mediaRev
      FROM jobs j LEFT JOIN photos p ON j.kind <> 'ingest' AND p.id = CAST(j.subject AS INTEGER)
      WHERE j.state = 'dead' AND j.kind = @kind AND COALESCE(j.last_error_code, 'job-failed') = @code
      ORDER BY j.updated_at DESC, j.id DESC LIMIT @limit`);
    this.#groupIds = db.prepare<[{ kind: string; code: string }], number>(`SELECT id FROM jobs WHERE ${IN_GROUP}`).pluck();
    this.#discardGroup = db.prepare<[{ kind: string; code: string }]>(`DELETE FROM jobs WHERE ${IN_GROUP}`);
    this.#release = db.prepare<[string, string, number]>(
      `UPDATE jobs SET state = 'queued', attempts = MAX(0, attempts - 1), lease_until = NULL, last_error = ?, updated_at = ? WHERE id = ? AND state = 'running'`,
    );
    this.#lastError = db.prepare<[string], string>(
      'SELECT last_error FROM jobs WHERE subject = ? AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1',
    ).pluck();
  }

  /**
   * Adds a queued job, unless an unfinished job has the same dedupe key: then nothing is added and
   * that job's id is returned with `created: false`.
   */
  /** The folder of the database file: where a write that found the disk full was going. */
  folder(): string {
    return path.dirname(this.#db.name);
  }

  enqueue(job: NewJob, now: number): { id: number; created: boolean } {
    return this.#db.transaction(() => {
      const inserted = this.#insert.get({
        kind: job.kind,
        subject: job.subject,
        data: JSON.stringify(job.data),
        priority: job.priority,
        dedupe_key: job.dedupeKey,
        now: ms(now),
        iso: iso(now),
      });
      if (inserted) return { id: inserted.id, created: true };
      return { id: this.#unfinishedByKey.get(job.dedupeKey!)!, created: false };
    }).immediate();
  }

  /** The next runnable job of `kind` (highest priority, then oldest), now running under a lease. */
  claim(kind: string, now: number, leaseMs: number): JobRow | null {
    // The queue asks every kind with a free slot after each job: most answers are "nothing". A plain
    // read says so without the write lock a claim takes (a lock, a WAL commit: ~50 us each).
    if (this.#peek.get({ kind, now: ms(now) }) === undefined) return null;
    // One UPDATE ... RETURNING is atomic already; IMMEDIATE also keeps a second process from claiming in between.
    return this.#db.transaction(() => this.#claim.get({ kind, now: ms(now), lease: ms(now + leaseMs), iso: iso(now) }) ?? null).immediate();
  }

  /**
   * Like claim, but only a job of at least `minPriority`: the open photo's job taking a slot beyond
   * the kind's limit. The plain read first, as in claim: most of the time there is none.
   */
  claimUrgent(kind: string, now: number, leaseMs: number, minPriority: number): JobRow | null {
    if (this.#peekUrgent.get({ kind, now: ms(now), min: minPriority }) === undefined) return null;
    return this.#db
      .transaction(() => this.#claimUrgent.get({ kind, now: ms(now), lease: ms(now + leaseMs), iso: iso(now), min: minPriority }) ?? null)
      .immediate();
  }

  /** Adds `delta` to the priority of every unfinished job about these subjects. Returns how many moved. */
  shiftPriority(subjects: string[], delta: number, now: number): number {
    if (subjects.length === 0 || delta === 0) return 0;
    return this.#shift.run(delta, iso(now), JSON.stringify(subjects)).changes;
  }

  /**
   * Takes the lane boosts (jobs/focus.ts, whole multiples of `step`) off every unfinished job: at
   * start no photo is open and nothing is selected, whatever the last run left behind.
   */
  dropBoosts(step: number): number {
    return this.#unboost.run({ step }).changes;
  }

  /** False when the job is no longer running (its lease expired and it was requeued). */
  extendLease(id: number, leaseUntil: number, now: number): boolean {
    return this.#extend.run(ms(leaseUntil), iso(now), id).changes > 0;
  }

  /**
   * The job succeeded; a dead letter of the same kind and subject (an analysis that died, then was
   * run again from the UI) is answered by it, so it leaves the dead letters too.
   */
  markDone(id: number, now: number): void {
    this.#db.transaction(() => {
      this.#done.run(iso(now), id);
      this.#supersede.run(id, id);
    })();
  }

  /** The job succeeded but was asked for again while it ran: queued once more, with a fresh attempt budget. */
  runAgain(id: number, now: number): void {
    this.#again.run(ms(now), iso(now), id);
  }

  /** `code`: the error's code from the contract (what the failed-jobs page groups by). */
  markFailed(id: number, runAfter: number, error: string, now: number, code: ErrorCode | null = null): void {
    this.#failed.run(ms(runAfter), error, code, iso(now), id);
  }

  /** Back to the queue as if it had not run: the attempt is not counted (its disk was full, not the job wrong). */
  release(id: number, error: string, now: number): void {
    this.#release.run(error, iso(now), id);
  }

  markDead(id: number, error: string, now: number, code: ErrorCode | null = null): void {
    this.#dead.run(error, code, iso(now), id);
  }

  /** Crash recovery: running jobs whose lease has passed go back to the queue. Returns how many. */
  requeueExpired(now: number): number {
    return this.#requeue.run(iso(now), ms(now)).changes;
  }

  /** Unfinished jobs of kinds this build has no handler for (a downgrade) would wait forever: dead-letter them. */
  deadLetterUnknownKinds(known: readonly string[], error: string, now: number): number {
    return this.#deadUnknown.run(error, iso(now), JSON.stringify(known)).changes;
  }

  stats(): QueueStats {
    const kinds: Record<string, KindStats> = {};
    const empty = (): KindStats => ({ queued: 0, running: 0, done: 0, failed: 0, dead: 0 });
    for (const kind of JobKind.options) kinds[kind] = empty();
    let idle = true;
    for (const { kind, state, n } of this.#byState.all()) {
      (kinds[kind] ??= empty())[state] = n;
      if (state === 'queued' || state === 'running' || state === 'failed') idle = false;
    }
    return { kinds, idle };
  }

  deadLetters(): DeadLetter[] {
    return this.#deadList.all();
  }

  get(id: number): JobRow | null {
    return this.#get.get(id) ?? null;
  }

  /**
   * A dead job back to the queue with a fresh attempt budget. If the same work (dedupe key) was
   * queued again meanwhile, the dead copy is dropped instead. False if `id` is not a dead job.
   */
  retry(id: number, now: number = Date.now()): boolean {
    return this.#db.transaction(() => this.#retryOne(id, now)).immediate();
  }

  #retryOne(id: number, now: number): boolean {
    const job = this.#get.get(id);
    if (job?.state !== 'dead') return false;
    if (job.dedupeKey !== null && this.#unfinishedByKey.get(job.dedupeKey) !== undefined) return this.#delete.run(id).changes > 0;
    return this.#toQueued.run(ms(now), iso(now), id).changes > 0;
  }

  /**
   * Dead letters grouped by kind and error code, largest group first, each with its newest `limit`
   * jobs and the photo (or, for an ingest, the file) each was about.
   */
  failureGroups(limit: number): FailureGroup[] {
    return this.#groups.all().map((g) => ({
      kind: g.kind,
      code: codeOf(g.code),
      count: g.n,
      message: g.message,
      jobs: this.#groupJobs.all({ kind: g.kind, code: g.code, limit }).map(({ photoName, ...job }) => ({
        ...job,
        code: codeOf(job.code),
        fileName: photoName ?? (job.kind === 'ingest' && job.subject ? path.basename(job.subject) : null),
      })),
    }));
  }

  /** Every dead letter of a group back to the queue (see retry), in one transaction. Returns how many. */
  retryGroup(kind: string, code: ErrorCode, now: number = Date.now()): number {
    return this.#db.transaction(() => this.#groupIds.all({ kind, code }).filter((id) => this.#retryOne(id, now)).length).immediate();
  }

  /** Deletes every dead letter of a group. Returns how many. */
  discardGroup(kind: string, code: ErrorCode): number {
    return this.#discardGroup.run({ kind, code }).changes;
  }

  /** Deletes a dead job. False if `id` is not a dead job. */
  discard(id: number): boolean {
    return this.#delete.run(id).changes > 0;
  }

  /** Jobs queued, running, or failed and waiting to retry. */
  unfinishedCount(): number {
    return this.#unfinished.get()!;
  }

  /**
   * The earliest moment after `now` that something may become runnable without an enqueue: a
   * retry falls due or a lease expires. Jobs runnable already are not counted (they wait for a slot).
   */
  nextWakeAt(now: number): number | null {
    return this.#nextWake.get(ms(now)) ?? null;
  }

  /** The most recent error of any job about `subject` (a source path, a photo id). */
  lastErrorFor(subject: string): string | null {
    return this.#lastError.get(subject) ?? null;
  }
}

/** A stored code this build does not know (written by a newer one) groups with the generic failure. */
function codeOf(stored: string): ErrorCode {
  const parsed = ErrorCode.safeParse(stored);
  return parsed.success ? parsed.data : 'job-failed';
}

// STRICT INTEGER columns refuse fractions; an injected clock may produce them.
const ms = (t: number) => Math.ceil(t);
// "Everything is expired" callers pass Number.MAX_SAFE_INTEGER, past what a Date can hold.
const MAX_DATE_MS = 8.64e15;
const iso = (t: number) => new Date(Math.abs(t) <= MAX_DATE_MS ? t : Date.now()).toISOString();
