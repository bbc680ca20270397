import { Photo, type AppError, type CaptureDate, type CaptureInstant, type Gps, type MediaWarning, type PhotoMetadata } from '../../contract/index.ts';

/** A `photos` row plus the derived columns every photo query selects. */
export type PhotoRow = {
  id: number;
  folder_id: number | null;
  sha256: string | null;
  sha1: string | null;
  file_name: string;
  source_path: string;
  original_path: string | null;
  bytes: number;
  format: string | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  capture_local: string | null;
  capture_offset: string | null;
  capture_source: string | null;
  capture_wall: string | null;
  capture_instant: string | null;
  capture_zone: string | null;
  capture_zone_source: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
  gps_alt: number | null;
  metadata_json: string | null;
  error_code: string | null;
  error_message: string | null;
  warnings_json: string;
  media_rev: number;
  rating: number;
  flag: string | null;
  created_at: string;
  updated_at: string;
  stage: string;
  duplicates: number;
  /** JSON array of the analyses missing their model (PHOTO_ANALYSIS_GAPS_SQL); absent where not selected. */
  analysis_gaps?: string | null;
};

/** Validated against the contract: a row that does not fit it is a bug to surface, not to pass on. */
export function toPhoto(row: PhotoRow): Photo {
  return Photo.parse({
    id: row.id,
    folderId: row.folder_id,
    sha256: row.sha256,
    sha1: row.sha1,
    fileName: row.file_name,
    sourcePath: row.source_path,
    originalPath: row.original_path,
    bytes: row.bytes,
    format: row.format,
    width: row.width,
    height: row.height,
    orientation: row.orientation,
    captureDate: row.capture_local === null ? null : { local: row.capture_local, offset: row.capture_offset, source: row.capture_source },
    captureInstant: row.capture_wall === null ? null : {
      instant: row.capture_instant,
      utc: row.capture_instant === null ? null : new Date(row.capture_instant).toISOString(),
      localDateTime: row.capture_wall,
      zone: row.capture_zone,
      source: row.capture_zone_source,
    },
    gps: row.gps_lat === null || row.gps_lon === null ? null : { latitude: row.gps_lat, longitude: row.gps_lon, altitude: row.gps_alt },
    metadata: row.metadata_json === null ? null : JSON.parse(row.metadata_json),
    stage: row.stage,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    warnings: JSON.parse(row.warnings_json),
    duplicates: row.duplicates,
    mediaRev: row.media_rev,
    rating: row.rating,
    flag: row.flag,
    analysisGaps: row.analysis_gaps ? JSON.parse(row.analysis_gaps) : [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** The columns a CaptureDate, Gps, metadata, error or warnings value is stored in. */
export function captureColumns(date: CaptureDate | null) {
  return { capture_local: date?.local ?? null, capture_offset: date?.offset ?? null, capture_source: date?.source ?? null };
}

/** Written only together with a resolved capture date: the wall column null means "not resolved". */
export function captureInstantColumns(ci: CaptureInstant | null) {
  return { capture_wall: ci?.localDateTime ?? null, capture_instant: ci?.instant ?? null, capture_zone: ci?.zone ?? null, capture_zone_source: ci?.source ?? null };
}

export function gpsColumns(gps: Gps | null) {
  return { gps_lat: gps?.latitude ?? null, gps_lon: gps?.longitude ?? null, gps_alt: gps?.altitude ?? null };
}

export function errorColumns(error: AppError | null) {
  return { error_code: error?.code ?? null, error_message: error?.message ?? null };
}

export function metadataJson(metadata: PhotoMetadata | null): string | null {
  return metadata === null ? null : JSON.stringify(metadata);
}

export function warningsJson(warnings: MediaWarning[]): string {
  return JSON.stringify(warnings);
}
