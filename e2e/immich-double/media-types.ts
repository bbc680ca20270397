import path from 'node:path';
import type { AssetType } from './store.ts';

/**
 * What v3.1.0 answers on GET /server/media-types (observed, in its order). Upload checks use the
 * same lists: an extension, lower-cased, decides whether a name is an asset or a sidecar; the part's
 * Content-Type is never looked at.
 */
export const MEDIA_TYPES = {
  video: ['.3gp', '.3gpp', '.avi', '.flv', '.insv', '.m2t', '.m2ts', '.m4v', '.mkv', '.mov', '.mp4', '.mpe', '.mpeg', '.mpg', '.mts', '.mxf', '.ts', '.vob', '.webm', '.wmv'],
  image: [
    '.avif', '.bmp', '.gif', '.jpeg', '.jpg', '.png', '.webp', '.3fr', '.ari', '.arw', '.cap', '.cin', '.cr2', '.cr3', '.crw', '.dcr',
    '.dng', '.erf', '.fff', '.iiq', '.k25', '.kdc', '.mrw', '.nef', '.nrw', '.orf', '.ori', '.pef', '.psd', '.raf', '.raw', '.rw2',
    '.rwl', '.sr2', '.srf', '.srw', '.x3f', '.heic', '.heif', '.hif', '.insp', '.jp2', '.jpe', '.jxl', '.mpo', '.svg', '.tif', '.tiff',
  ],
  sidecar: ['.xmp'],
} as const;

// originalMimeType as the server reports it for the common cases; the rest get a generic type.
const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.jpe': 'image/jpeg', '.insp': 'image/jpeg', '.mpo': 'image/jpeg', '.png': 'image/png',
  '.webp': 'image/webp', '.avif': 'image/avif', '.gif': 'image/gif', '.bmp': 'image/bmp', '.heic': 'image/heic', '.heif': 'image/heif',
  '.hif': 'image/hif', '.jxl': 'image/jxl', '.jp2': 'image/jp2', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.svg': 'image/svg',
  '.dng': 'image/dng', '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.webm': 'video/webm',
};

const extOf = (name: string) => path.extname(name).toLowerCase();

export function mediaTypeOf(filename: string): { ext: string; mime: string; type: AssetType } | undefined {
  const ext = extOf(filename);
  if ((MEDIA_TYPES.image as readonly string[]).includes(ext)) return { ext, mime: MIME[ext] ?? `image/${ext.slice(1)}`, type: 'IMAGE' };
  if ((MEDIA_TYPES.video as readonly string[]).includes(ext)) return { ext, mime: MIME[ext] ?? `video/${ext.slice(1)}`, type: 'VIDEO' };
  return undefined;
}

export const isSidecarName = (filename: string) => (MEDIA_TYPES.sidecar as readonly string[]).includes(extOf(filename));
