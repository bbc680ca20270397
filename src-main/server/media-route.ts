import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_MEDIA_BASE, parseMediaPath, type MediaKind } from '../contract/index.ts';
import { sendText } from './respond.ts';
import { sendFile } from './send-file.ts';

export type ResolveMedia = (kind: MediaKind, photoId: number) => Promise<{ path: string; contentType: string } | null>;

export function isMediaPath(pathname: string): boolean {
  return pathname.startsWith(`${HTTP_MEDIA_BASE}/`);
}

/**
 * `/media/{thumb|preview|original}/{id}`. The file path comes only from the engine's resolver for a
 * numeric id, so no part of the URL ever reaches the file system.
 */
export async function serveMedia(req: IncomingMessage, res: ServerResponse, url: URL, resolveMedia: ResolveMedia): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
  const parsed = parseMediaPath(url.pathname.slice(HTTP_MEDIA_BASE.length));
  if (!parsed || !Number.isSafeInteger(parsed.photoId) || parsed.photoId < 1) return sendText(res, 404, 'No such media.');

  const media = await resolveMedia(parsed.kind, parsed.photoId);
  if (!media) return sendText(res, 404, `No ${parsed.kind} for photo ${parsed.photoId} yet.`);
  const info = await stat(media.path).catch(() => null);
  if (!info?.isFile()) return sendText(res, 404, `No ${parsed.kind} for photo ${parsed.photoId} yet.`);

  await sendFile(req, res, {
    path: media.path,
    info,
    contentType: media.contentType,
    // A URL with ?rev= names one version for ever (the rev bumps when media is rebuilt); without it, revalidate.
    cacheControl: url.searchParams.has('rev') ? 'private, max-age=31536000, immutable' : 'private, no-cache',
  });
}
