import { z } from 'zod';

export const MediaKind = z.enum(['thumb', 'preview', 'original']);
export type MediaKind = z.infer<typeof MediaKind>;

/** Electron serves media on its own scheme; the headless server under /media on the same origin. */
export const ELECTRON_MEDIA_BASE = 'lightbox-media://media';
export const HTTP_MEDIA_BASE = '/media';

/** `rev` is part of the URL so a rebuilt thumbnail is never served stale from a cache. */
export function mediaUrl(base: string, photoId: number, kind: MediaKind, rev: number): string {
  return `${base}/${kind}/${photoId}?rev=${rev}`;
}

const MEDIA_PATH = /^\/(thumb|preview|original)\/(\d+)$/;

/** Parses the path part after the base (`/thumb/12`), for both transports. */
export function parseMediaPath(path: string): { kind: MediaKind; photoId: number } | null {
  const match = MEDIA_PATH.exec(path);
  if (!match) return null;
  return { kind: MediaKind.parse(match[1]), photoId: Number(match[2]) };
}
