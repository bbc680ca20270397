import { z } from 'zod';
import { AppError, ErrorCode } from './errors.ts';

/**
 * Library care (issue 14): checking that every file is still what was stored (`lightbox verify` and
 * the scheduled check), backup targets and restore, and the preview cache's size cap. Kept apart
 * from api.ts so the table there only spreads these in.
 */

const Count = z.number().int().nonnegative();
const When = z.string();

/** What a check can find (codes of ErrorCode). `orphan-file` is a warning (listed, never deleted); every other code is an error. */
export const VerifyProblemCode = ErrorCode.extract(['missing-original', 'altered-original', 'missing-processed', 'altered-processed', 'orphan-file', 'row-without-file', 'database']);
export type VerifyProblemCode = z.infer<typeof VerifyProblemCode>;

export const VerifyProblem = z.object({
  code: VerifyProblemCode,
  /** Relative to the library folder (`lightbox.db` for the database). */
  path: z.string(),
  photoId: z.number().int().positive().optional(),
  message: z.string(),
});
export type VerifyProblem = z.infer<typeof VerifyProblem>;

export const VerifyRepair = VerifyProblem.extend({
  /** What was done, in words ("re-rendered from the original and recipe revision 3"). */
  action: z.string(),
});
export type VerifyRepair = z.infer<typeof VerifyRepair>;

export const VerifyChecked = z.object({
  originals: Count,
  processed: Count,
  sidecars: Count,
  /** Bytes read and hashed. */
  bytes: Count,
  /** Files under originals/, processed/ and recipes/ looked at for orphans. */
  scanned: Count,
  /** PRAGMA integrity_check and foreign_key_check ran. */
  database: z.boolean(),
});
export type VerifyChecked = z.infer<typeof VerifyChecked>;

/**
 * `lightbox verify --json` and one run of the scheduled check. `problems` is what is still wrong when
 * the run ends (what `--repair` fixed moved to `repaired`); `ok` is false while any error remains.
 */
export const VerifyReport = z.object({
  ok: z.boolean(),
  startedAt: When,
  finishedAt: When,
  checked: VerifyChecked,
  problems: z.array(VerifyProblem),
  repaired: z.array(VerifyRepair),
  /** Rebuildable files a repair made again (thumbnails are not checked, only remade when missing). */
  rebuilt: z.object({ thumbnails: Count }),
});
export type VerifyReport = z.infer<typeof VerifyReport>;

export const isVerifyError = (problem: Pick<VerifyProblem, 'code'>): boolean => problem.code !== 'orphan-file';

export const ScrubSettings = z.object({
  enabled: z.boolean(),
  /** Days between checks (weekly by default). */
  intervalDays: z.number().int().min(1).max(90),
});
export type ScrubSettings = z.infer<typeof ScrubSettings>;

export const ScrubPhase = z.enum(['database', 'originals', 'processed', 'orphans', 'repair']);

export const ScrubProgress = z.object({
  phase: ScrubPhase,
  filesDone: Count,
  filesTotal: Count,
  bytesDone: Count,
  bytesTotal: Count,
  /** The check holds back while photos are imported: it never slows an ingest. */
  waitingFor: z.enum(['ingest']).nullable(),
  startedAt: When,
});
export type ScrubProgress = z.infer<typeof ScrubProgress>;

/** The last finished check, kept in the library (at most the first 200 problems). */
export const ScrubSummary = z.object({
  at: When,
  ok: z.boolean(),
  errors: Count,
  warnings: Count,
  repaired: Count,
  files: Count,
  bytes: Count,
  seconds: z.number().nonnegative(),
  problems: z.array(VerifyProblem),
  /** The check stopped before the end (stopped by the photographer, or Lightbox closed). */
  interrupted: z.boolean(),
});
export type ScrubSummary = z.infer<typeof ScrubSummary>;

export const ScrubState = z.object({
  settings: ScrubSettings,
  running: ScrubProgress.nullable(),
  last: ScrubSummary.nullable(),
  /** When the next scheduled check falls due (it starts once the queue is idle); null when off. */
  nextAt: When.nullable(),
});
export type ScrubState = z.infer<typeof ScrubState>;

export const ByteProgress = z.object({ filesDone: Count, filesTotal: Count, bytesDone: Count, bytesTotal: Count });
export type ByteProgress = z.infer<typeof ByteProgress>;

export const BackupTarget = z.object({
  id: z.string(),
  /** A folder on a USB disk or a NAS mount. */
  path: z.string(),
  /** Back up after every import (once the queue is idle again). */
  afterImport: z.boolean(),
  /** The folder is there now (an unplugged disk is reported, not retried in a loop). */
  available: z.boolean(),
  lastBackupAt: When.nullable(),
  /** The last run after which every file on the target was there with its hash checked. */
  lastVerifiedAt: When.nullable(),
  files: Count,
  bytes: Count,
  lastError: AppError.nullable(),
  running: ByteProgress.nullable(),
});
export type BackupTarget = z.infer<typeof BackupTarget>;

/** `lightbox backup --json` and one run in the app. */
export const BackupReport = z.object({
  ok: z.boolean(),
  target: z.string(),
  startedAt: When,
  finishedAt: When,
  copied: z.object({ files: Count, bytes: Count }),
  /** Already on the target with the right hash (incremental runs copy only what is new). */
  unchanged: Count,
  /** Files whose copy was read back and hashed in this run. */
  verified: Count,
  database: z.object({ bytes: Count, sha256: z.string() }).nullable(),
  problems: z.array(z.object({ code: z.string(), path: z.string(), message: z.string() })),
});
export type BackupReport = z.infer<typeof BackupReport>;

export const CacheStatus = z.object({
  /** Previews and working copies (rebuildable) are kept under this; thumbnails are not counted. */
  capBytes: Count,
  previewBytes: Count,
  previewFiles: Count,
  thumbBytes: Count,
  thumbFiles: Count,
  /** Since Lightbox started. */
  evictedFiles: Count,
  evictedBytes: Count,
});
export type CacheStatus = z.infer<typeof CacheStatus>;

const MB = 1024 * 1024;
export const CACHE_CAP_MIN = 64 * MB;
export const DEFAULT_CACHE_CAP = 2048 * MB;

const Empty = z.object({}).strict();
const TargetId = z.object({ id: z.string().min(1) }).strict();
const Targets = z.array(BackupTarget);

export const careCommands = {
  'care.scrub.get': { input: Empty, output: ScrubState },
  'care.scrub.set': { input: ScrubSettings.partial().strict(), output: ScrubState },
  /** Starts a check now (in the background; progress comes as `care.scrub` events). */
  'care.scrub.start': { input: z.object({ repair: z.boolean().default(false) }).strict(), output: ScrubState },
  'care.scrub.stop': { input: Empty, output: ScrubState },
  'backup.targets.list': { input: Empty, output: Targets },
  'backup.targets.add': { input: z.object({ path: z.string().trim().min(1), afterImport: z.boolean().default(false) }).strict(), output: Targets },
  'backup.targets.update': { input: z.object({ id: z.string().min(1), afterImport: z.boolean() }).strict(), output: Targets },
  'backup.targets.remove': { input: TargetId, output: Targets },
  /** Starts a backup to one target in the background; `verify` re-reads every file already there too. */
  'backup.run': { input: z.object({ id: z.string().min(1), verify: z.boolean().default(false) }).strict(), output: Targets },
  'cache.get': { input: Empty, output: CacheStatus },
  'cache.set': { input: z.object({ capBytes: z.number().int().min(CACHE_CAP_MIN) }).strict(), output: CacheStatus },
} as const;

export const careEvents = {
  'care.scrub': ScrubState,
  'backup.target': BackupTarget,
} as const;
