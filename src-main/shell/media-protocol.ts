import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { ELECTRON_MEDIA_BASE, parseMediaPath, type MediaKind } from '../contract/index.ts';

type ResolveMedia = (kind: MediaKind, photoId: number) => Promise<{ path: string; contentType: string } | null>;

const MEDIA_URL = new URL(ELECTRON_MEDIA_BASE);
export const MEDIA_SCHEME = MEDIA_URL.protocol.slice(0, -1);

/** Must run before `app` is ready: Chromium fixes scheme privileges at start-up. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/**
 * `lightbox-media://media/{kind}/{id}`: the engine decides which file that is, so a page can never
 * name a path on disk, only a photo id.
 */
export function serveMediaProtocol(resolveMedia: ResolveMedia): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.host !== MEDIA_URL.host) return new Response('Not found', { status: 404 });
    const parsed = parseMediaPath(url.pathname);
    if (!parsed || !Number.isSafeInteger(parsed.photoId)) return new Response('Not found', { status: 404 });
    const media = await resolveMedia(parsed.kind, parsed.photoId);
    if (!media) return new Response('Not found', { status: 404 });
    const file = await net.fetch(pathToFileURL(media.path).toString());
    if (!file.ok) return new Response('Not found', { status: 404 });
    return new Response(file.body, {
      status: 200,
      headers: {
        'Content-Type': media.contentType,
        // ?rev= changes whenever the media is rebuilt, so a URL names one version for ever.
        'Cache-Control': url.searchParams.has('rev') ? 'max-age=31536000, immutable' : 'no-cache',
      },
    });
  });
}
