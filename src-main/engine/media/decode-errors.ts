import { open } from 'node:fs/promises';
import type { DetectedFormat } from './detect-format.ts';
import { formatName } from './detect-format.ts';
import { checkCompleteness } from './end-marker.ts';
import { MediaError, formatCount, formatMegapixels } from './media-error.ts';

/** libvips/sharp wording for "the data stopped before the image did". */
const TRUNCATION = /premature end|unexpected end|truncated|end of (file|data|stream)|\bEOF\b|short read|not enough (image )?data|read error|out of data|incomplete/i;

export type ErrorContext = { format: DetectedFormat; bytes: number; name: string; filePath: string | null };

/**
 * Turns a sharp/libvips failure into a MediaError with a code the UI can filter on. For JPEG the
 * bytes are consulted: a file cut inside its header says "premature end" exactly like one cut in
 * the middle of the scan, but only the latter has a frame header (SOF) and so real dimensions:
 * that one is `truncated`; one without any frame header is `corrupt-image`.
 */
export async function classifyDecodeError(error: unknown, ctx: ErrorContext): Promise<MediaError> {
  if (error instanceof MediaError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const detail = firstLine(raw);
  const kind = formatName(ctx.format);
  if (/pixel limit/i.test(raw)) {
    return new MediaError('too-many-pixels', `The ${kind} image is larger than the pixel limit Lightbox decodes; it was not opened to protect memory.`, { cause: error });
  }
  if (ctx.format === 'avif' && /unsupported image format/i.test(raw)) {
    // libvips opens an AVIF through its primary still image; animations (avis) may have none.
    return new MediaError('unsupported-format', `${ctx.name} is an AVIF animation without a still image, which Lightbox cannot read yet. Export a frame as JPEG or PNG to import it.`, { cause: error });
  }
  if (ctx.format === 'jpeg' && ctx.filePath) {
    const damage = await inspectJpeg(ctx.filePath);
    if (damage === 'no-frame-header') {
      return new MediaError('corrupt-image', `The JPEG ${ctx.name} is damaged: its header stops or breaks after ${formatCount(ctx.bytes)} bytes before saying how large the image is, so there is nothing to show. Copy the file again from its source.`, { cause: error });
    }
    if (damage === 'cut-off') return truncated(ctx, error);
  }
  // The bytes decide before the message does: libvips keeps one error buffer for all threads, so
  // under concurrent decodes a failure can carry a neighbour's wording.
  if (ctx.filePath && (await checkCompleteness(ctx.filePath).catch(() => 'unknown')) === 'incomplete') return truncated(ctx, error);
  if (TRUNCATION.test(raw)) return truncated(ctx, error);
  return new MediaError('corrupt-image', `The ${kind} file ${ctx.name} is damaged and cannot be decoded (${detail}). Copy it again from its source; if it opens nowhere else either, the file itself is broken.`, { cause: error });
}

function truncated(ctx: ErrorContext, cause: unknown): MediaError {
  const kind = formatName(ctx.format);
  const where = ctx.bytes > 0 ? ` ends after ${formatCount(ctx.bytes)} bytes` : ' data ends too early';
  return new MediaError('truncated', `The ${kind}${where}: the file was cut off (incomplete copy?). Copy it again from the camera card or its source.`, { cause });
}

export function tooManyPixels(kind: string, width: number, height: number, maxPixels: number, bytes: number): MediaError {
  const bomb = bytes < (width * height) / 100 ? ` in a file of only ${formatCount(bytes)} bytes (typical of a "decompression bomb")` : '';
  return new MediaError('too-many-pixels', `The ${kind} image is ${formatCount(width)} × ${formatCount(height)} pixels (${formatMegapixels(width, height)})${bomb}, more than the ${formatMegapixels(maxPixels, 1)} Lightbox decodes; it was not opened to protect memory.`);
}

function firstLine(message: string): string {
  const line = message.split('\n').find((l) => l.trim().length > 0) ?? message;
  return line.replace(/^Input (file|buffer) (has corrupt header|contains unsupported image format):?\s*/i, '').trim() || 'unreadable data';
}

type JpegDamage = 'no-frame-header' | 'cut-off' | 'unknown';

/** Walks the marker segments of the first 1 MB: where does the structure end? */
async function inspectJpeg(filePath: string): Promise<JpegDamage> {
  let buf: Buffer;
  let size: number;
  try {
    const handle = await open(filePath, 'r');
    try {
      size = (await handle.stat()).size;
      buf = Buffer.alloc(Math.min(size, 1 << 20));
      await handle.read(buf, 0, buf.length, 0);
    } finally {
      await handle.close();
    }
  } catch {
    return 'unknown';
  }
  let at = 2;
  let sof = false;
  while (at + 4 <= buf.length) {
    if (buf[at] !== 0xff) return sof ? 'unknown' : 'no-frame-header';
    const marker = buf[at + 1] ?? 0;
    if (marker === 0xff) { at++; continue; }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) sof = true;
    if (marker === 0xda || marker === 0xd9) return sof ? 'unknown' : 'no-frame-header';
    const length = buf.readUInt16BE(at + 2);
    if (at + 2 + length > size) return sof ? 'cut-off' : 'no-frame-header';
    at += 2 + length;
  }
  return sof ? (buf.length === size ? 'cut-off' : 'unknown') : 'no-frame-header';
}
