import { readFileTags, type FileTags } from './file-tags.ts';
import { immichDates, type DateTags } from './immich-dates.ts';
import type { Env } from './router.ts';
import type { AssetRecord, Store } from './store.ts';
import type { SidecarValues } from './xmp.ts';

/** Metadata sits in a JPEG's first segments; a huge upload is never read whole for it. */
const HEAD_BYTES = 4 * 1024 * 1024;

async function head(store: Store, asset: AssetRecord): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of store.blobs.read(asset.blob)) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= HEAD_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}

function sidecarDateTags(sidecar: SidecarValues): DateTags {
  // exiftool reads a sidecar as a file of its own: its dates, its GPS, and a zone from them.
  return { ...sidecar.dates, gps: sidecar.gps };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * Immich's AssetExtractMetadata job for one asset (metadata.service.ts, findings rules 12-15): the
 * file's tags, overridden field by field by the sidecar's; when the sidecar has any date, every
 * date and zone of the file is dropped. Writes the dates (fileCreatedAt becomes the capture instant,
 * fileModifiedAt stays the upload's), GPS, description, rating and tags.
 */
export async function extractMetadata(store: Store, asset: AssetRecord): Promise<void> {
  let file: FileTags;
  try {
    file = await readFileTags(await head(store, asset));
  } catch {
    file = { gps: null, xmp: null, keywords: [] };
  }
  const sidecar = asset.sidecar;
  const dates = immichDates(file, sidecar ? sidecarDateTags(sidecar) : null, {
    fileCreatedAt: asset.fileCreatedAt,
    fileModifiedAt: asset.fileModifiedAt,
    uploadedAt: asset.createdAt,
  });
  asset.dateTimeOriginal = dates.dateTimeOriginal;
  asset.fileCreatedAt = dates.dateTimeOriginal;
  asset.localDateTime = dates.localDateTime;
  asset.timeZone = dates.timeZone;
  const gps = sidecar?.gps ?? file.gps;
  asset.latitude = gps ? round6(gps.latitude) : null;
  asset.longitude = gps ? round6(gps.longitude) : null;

  // description = ImageDescription || Description over the merged tags: an EXIF caption in the file
  // beats the sidecar's dc:description, unless the sidecar has its own tiff:ImageDescription.
  const imageDescription = sidecar?.imageDescription ?? file.ImageDescription ?? file.xmp?.imageDescription;
  const description = imageDescription || (sidecar?.description ?? file.xmp?.description ?? '');
  asset.description = description.trim();
  // Rating: 1-5 kept; 0, -1 and anything else become null.
  const rating = sidecar?.rating ?? file.xmp?.rating;
  asset.rating = rating !== undefined && Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : null;
  const sidecarTags = sidecar && sidecar.tags.length > 0 ? sidecar.tags : undefined;
  const embeddedTags = file.xmp && file.xmp.tags.length > 0 ? file.xmp.tags : undefined;
  asset.tags = [...(sidecarTags ?? embeddedTags ?? file.keywords)];
  asset.extracted = true;
  asset.updatedAt = new Date().toISOString();
}

/**
 * Immich extracts metadata in a background job (1-3 s on the test server). By default the double
 * does it before answering the upload, so tests need not poll; `slowMetadataExtraction` replays
 * the delay (and the race with a quick PUT that it causes).
 */
export async function scheduleExtraction(env: Env, assetId: string): Promise<void> {
  const run = async () => {
    const asset = env.store.assets.get(assetId);
    if (asset) await extractMetadata(env.store, asset);
  };
  const delay = env.faults.extractionDelayMs;
  if (delay <= 0) return run();
  const timer = setTimeout(() => {
    env.timers.delete(timer);
    run().catch((error: unknown) => console.error('[immich-double] metadata extraction failed', error));
  }, delay);
  env.timers.add(timer);
}
