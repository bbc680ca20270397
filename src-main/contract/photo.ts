import { z } from 'zod';
import { AppError, MediaWarning } from './errors.ts';
import { ModelGapCode } from './model-fetch.ts';

/**
 * Where a photo is in its life. Derived from its jobs (and later its recipe and uploads), never
 * stored as separate flags.
 */
export const PhotoStage = z.enum([
  'new',
  'processing',
  'ingested',
  'analysing',
  'needs-review',
  'approved',
  'rendered',
  'uploaded',
  'failed',
]);
export type PhotoStage = z.infer<typeof PhotoStage>;

export const Gps = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  altitude: z.number().nullable(),
});
export type Gps = z.infer<typeof Gps>;

export const CaptureDate = z.object({
  /** Wall-clock time as the camera recorded it, `YYYY-MM-DDTHH:mm:ss(.sss)` without zone. */
  local: z.string(),
  /** `+02:00` when the file says so (OffsetTimeOriginal), else null: we never invent a zone. */
  offset: z.string().nullable(),
  /** Where the date came from, so the UI can say "file date" when EXIF had none. */
  source: z.enum(['exif', 'xmp', 'sidecar', 'file']),
});
export type CaptureDate = z.infer<typeof CaptureDate>;

/**
 * Where a capture time's zone came from: a maker note (Canon, Nikon), an offset tag
 * (OffsetTimeOriginal…), the GPS position, an offset inside a capture date, the camera clock
 * against GPS time, or a date written in UTC (`…Z`).
 */
export const ZoneSource = z.enum(['maker-note', 'offset-tag', 'gps', 'date-offset', 'gps-clock', 'utc-date']);
export type ZoneSource = z.infer<typeof ZoneSource>;

/** The capture time resolved as Immich resolves it (engine/media/capture-instant.ts). */
export const CaptureInstant = z.object({
  /** `2022-08-14T14:12:31.000+03:00`: the instant with its zone's offset; null when the zone is unknown. */
  instant: z.string().nullable(),
  /** The same instant in UTC (`…Z`); null when the zone is unknown. */
  utc: z.string().nullable(),
  /** Wall-clock time where the photo was taken, `YYYY-MM-DDTHH:mm:ss.sss`. */
  localDateTime: z.string(),
  /** `Europe/Prague`, `UTC+3`, `UTC`, `UTC+0`, as Immich names it; null when unknown. */
  zone: z.string().nullable(),
  source: ZoneSource.nullable(),
});
export type CaptureInstant = z.infer<typeof CaptureInstant>;

export const PhotoMetadata = z.object({
  make: z.string().nullable(),
  model: z.string().nullable(),
  lens: z.string().nullable(),
  iso: z.number().nullable(),
  exposureTime: z.number().nullable(),
  fNumber: z.number().nullable(),
  focalLength: z.number().nullable(),
  rating: z.number().nullable(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  keywords: z.array(z.string()),
  iccProfile: z.string().nullable(),
  /**
   * Rights, as the file or its sidecar says (XMP, else IPTC, else EXIF). Optional: photos read by
   * an older Lightbox do not have them (an export then reads them from the original).
   */
  creator: z.array(z.string()).optional(),
  copyright: z.string().nullable().optional(),
  usageTerms: z.string().nullable().optional(),
  /** The colour label (xmp:Label), e.g. "Red". */
  label: z.string().nullable().optional(),
});
export type PhotoMetadata = z.infer<typeof PhotoMetadata>;

/**
 * An analysis that could not run because its model is missing or damaged: the photo's analysis is
 * incomplete (DESIGN §2: never the photo failed). It runs again by itself when the model arrives.
 */
export const AnalysisGap = z.object({ task: z.string(), model: z.string(), code: ModelGapCode, message: z.string() });
export type AnalysisGap = z.infer<typeof AnalysisGap>;

export const Photo = z.object({
  id: z.number().int().positive(),
  folderId: z.number().int().positive().nullable(),
  /** Null only when the bytes could not be stored (empty or unreadable source). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  sha1: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
  fileName: z.string(),
  sourcePath: z.string(),
  /** Relative to the library root, e.g. `originals/2024/05/1a2b3c4d_IMG_0001.jpg`. */
  originalPath: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
  format: z.string().nullable(),
  /** Oriented (display) dimensions. */
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  orientation: z.number().int().min(1).max(8).nullable(),
  captureDate: CaptureDate.nullable(),
  /** Null when there is no capture date, or for a photo read before zones were resolved (see photoCaptureInstant). */
  captureInstant: CaptureInstant.nullable().optional(),
  gps: Gps.nullable(),
  metadata: PhotoMetadata.nullable(),
  stage: PhotoStage,
  error: AppError.nullable(),
  warnings: z.array(MediaWarning),
  /** How many other source files had exactly these bytes. */
  duplicates: z.number().int().nonnegative(),
  /** Bumped when thumbnails/previews are rebuilt, so media URLs change and caches refresh. */
  mediaRev: z.number().int().nonnegative(),
  /** The photographer's own stars (0 = unrated) and pick/reject flag, set in the review window. Optional so code that builds a Photo by hand predates them. */
  rating: z.number().int().min(0).max(5).optional(),
  flag: z.enum(['pick', 'reject']).nullable().optional(),
  /** Analyses missing for want of a model (empty when the analysis is complete or not run yet). Optional like rating. */
  analysisGaps: z.array(AnalysisGap).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Photo = z.infer<typeof Photo>;

/** `YYYY-MM-DD`, compared against the camera's wall-clock capture date (we never invent a zone). */
const DayString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2024-05-31.');

/** Everything the grid can narrow the library by, except the stage (counts are per stage). */
export const PhotoFilter = z.object({
  folderId: z.number().int().positive().optional(),
  /** Inclusive days on the capture date; photos without a capture date do not match a date range. */
  from: DayString.optional(),
  to: DayString.optional(),
  /**
   * What to look for: a case-insensitive substring of the file name, or words (accents ignored,
   * the last one as a prefix while it is being typed) from the photo's title, description,
   * keywords, camera and lens, and from what analysis found in it (object keywords, CLIP tags,
   * caption).
   */
  text: z.string().max(200).optional(),
  /** Also find photos whose CLIP embedding is close to the text's (needs the CLIP model installed). */
  semantic: z.boolean().optional(),
  /** At least this many stars. */
  minRating: z.number().int().min(1).max(5).optional(),
  /** `none`: neither picked nor rejected. */
  flag: z.enum(['pick', 'reject', 'none']).optional(),
  /** The moderation analysis's flag (photos not moderated yet do not match). */
  moderation: z.enum(['safe', 'suggestive', 'explicit']).optional(),
  /** Only photos whose bytes were dropped again under another path (those copies were skipped). */
  duplicates: z.literal(true).optional(),
});
export type PhotoFilter = z.infer<typeof PhotoFilter>;

export const PhotoFlag = z.enum(['pick', 'reject']);
export type PhotoFlag = z.infer<typeof PhotoFlag>;

const PhotoIds = z.array(z.number().int().positive()).min(1).max(100_000);
/** Stars for many photos at once (the selection); 0 clears them. */
export const RatePhotosInput = z.object({ ids: PhotoIds, rating: z.number().int().min(0).max(5) });
/** Pick, reject, or (null) unflag many photos at once. */
export const FlagPhotosInput = z.object({ ids: PhotoIds, flag: PhotoFlag.nullable() });
export type RatePhotosInput = z.infer<typeof RatePhotosInput>;
export type FlagPhotosInput = z.infer<typeof FlagPhotosInput>;

/** `relevance`: semantic search's ranking (best first), then the photos that matched by words. */
export const PhotoSortKey = z.enum(['captured', 'imported', 'name', 'relevance']);
export type PhotoSortKey = z.infer<typeof PhotoSortKey>;

export const PhotoQuery = PhotoFilter.extend({
  stage: PhotoStage.optional(),
  /** Default: newest import first, so what just landed in a hot folder is on top. */
  sort: PhotoSortKey.default('imported'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.number().int().positive().max(100_000).default(500),
  offset: z.number().int().nonnegative().default(0),
});
export type PhotoQuery = z.infer<typeof PhotoQuery>;

/** For the filter bar: how many photos the filter matches, in total and per stage. */
export const PhotoCounts = z.object({
  total: z.number().int().nonnegative(),
  byStage: z.record(PhotoStage, z.number().int().nonnegative()),
  /** How many of them were dropped more than once (not a stage: a rendered photo can have copies too). */
  duplicates: z.number().int().nonnegative(),
});
export type PhotoCounts = z.infer<typeof PhotoCounts>;

export const DuplicateFile = z.object({
  path: z.string(),
  photoId: z.number().int().positive(),
  seenAt: z.string(),
});
export type DuplicateFile = z.infer<typeof DuplicateFile>;
