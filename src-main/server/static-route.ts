import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { sendText } from './respond.ts';
import { sendFile } from './send-file.ts';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * The built renderer. Unknown extension-less paths get index.html (client-side routes); a missing
 * asset stays a 404 so a stale tab sees a real error instead of HTML parsed as JavaScript.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, staticDir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
  const root = path.resolve(staticDir);
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return sendText(res, 400, 'Bad path.');
  }
  const candidate = path.resolve(root, `.${path.posix.normalize(relative)}`);
  if (relative.includes('\0') || (candidate !== root && !candidate.startsWith(root + path.sep))) return sendText(res, 404, 'Not found.');

  let file = candidate;
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = path.join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) {
    if (path.extname(relative) !== '') return sendText(res, 404, 'Not found.');
    file = path.join(root, 'index.html');
    info = await stat(file).catch(() => null);
    if (!info?.isFile()) return sendText(res, 503, 'The Lightbox UI is not built. Run `npm run build:renderer`, then reload.');
  }

  await sendFile(req, res, {
    path: file,
    info,
    contentType: MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    // Vite puts a content hash in every asset name; index.html must always be revalidated.
    cacheControl: relative.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-cache',
  });
}
