// Seeds a library with many photo rows for the UI benchmark: real rows through the real repos
// (so stage, counts and paging run the production SQL), sharing a few real thumbnails on disk.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { libraryLayout } from '../src-main/engine/library/library-layout.ts';
import { openLibrary } from '../src-main/engine/library/index.ts';

export type SeedOptions = { libraryDir: string; count: number; thumbs: string[]; folderPath: string };

const CAMERAS = [
  ['Canon', 'EOS R5', 'RF24-70mm F2.8 L IS USM'],
  ['NIKON CORPORATION', 'NIKON Z 6_2', 'NIKKOR Z 50mm f/1.8 S'],
  ['FUJIFILM', 'X-T4', 'XF35mmF1.4 R'],
] as const;

export async function seedLibrary(options: SeedOptions): Promise<void> {
  const layout = libraryLayout(options.libraryDir);
  await mkdir(layout.root, { recursive: true });
  const lib = openLibrary(layout.database);
  const ids: number[] = [];
  try {
    const folder = lib.folders.add(options.folderPath);
    const now = Date.now();
    lib.db.transaction(() => {
      for (let n = 0; n < options.count; n += 1) {
        const day = new Date(Date.UTC(2023, 0, 1) + n * 37 * 60_000).toISOString().slice(0, 19);
        const [make, model, lens] = CAMERAS[n % CAMERAS.length]!;
        const id = lib.photos.insert({
          folderId: folder.id,
          sha256: n.toString(16).padStart(64, '0'),
          sha1: n.toString(16).padStart(40, '0'),
          fileName: `IMG_${String(n).padStart(5, '0')}.jpg`,
          sourcePath: path.join(options.folderPath, `IMG_${String(n).padStart(5, '0')}.jpg`),
          bytes: 4_000_000 + n,
          originalPath: null,
          error: null,
          captureDate: { local: day, offset: '+01:00', source: 'exif' },
        });
        lib.photos.setMedia(id, {
          format: 'jpeg', width: 6000, height: 4000, orientation: 1, captureDate: { local: day, offset: '+01:00', source: 'exif' }, captureInstant: null, gps: null,
          metadata: { make, model, lens, iso: 100 * (1 + (n % 8)), exposureTime: 1 / 250, fNumber: 2.8, focalLength: 50, rating: null, title: null, description: null, keywords: [], iccProfile: null },
          warnings: [],
        });
        lib.photos.bumpMediaRev(id);
        // Real jobs, so the derived stage SQL does the work it does in a real library.
        for (const kind of ['ingest', 'derive']) {
          const job = lib.jobs.enqueue({ kind, subject: String(id), data: { photoId: id }, priority: 0, dedupeKey: null }, now);
          if (n % 50 !== 0 || kind === 'ingest') lib.jobs.markDone(job.id, now);
        }
        ids.push(id);
      }
    })();
  } finally {
    lib.close();
  }
  // Thumbnails are files the media route serves: a handful of real JPEGs, copied per id.
  for (const id of ids) {
    const target = layout.thumbPath(id);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(options.thumbs[id % options.thumbs.length]!, target);
  }
}
