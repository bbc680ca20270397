import type { Photo } from '../../../contract/index.ts';

/** A photo row as the library holds it once stored, for render tests that need only its id, hash and original. */
export function storedPhoto(id: number, sha256: string, originalPath: string): Photo & { sha256: string; originalPath: string } {
  return {
    id, folderId: null, sha256, sha1: null, fileName: `IMG_${id}.jpg`, sourcePath: `/in/IMG_${id}.jpg`, originalPath, bytes: 0,
    format: 'jpeg', width: null, height: null, orientation: 1, captureDate: null, gps: null, metadata: null, stage: 'approved',
    error: null, warnings: [], duplicates: 0, mediaRev: 0, createdAt: '2024-05-01T00:00:00.000Z', updatedAt: '2024-05-01T00:00:00.000Z',
  };
}
