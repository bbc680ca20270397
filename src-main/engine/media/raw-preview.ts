import type { RawFormat } from './detect-format.ts';

/**
 * Finds the JPEG previews a camera embedded in a RAW file. We never demosaic: the largest
 * embedded JPEG is what the camera itself shows, and it is fast.
 *
 * Two sources: the TIFF structure (IFD0/IFD1/SubIFDs: JPEGInterchangeFormat, JPEG-compressed
 * strips, RW2's JpgFromRaw blob) which also gives the container orientation, and a byte scan for
 * complete JPEG streams, which covers CR3 (PRVW/THMB boxes), RAF, CRW, X3F and anything the walk
 * misses. Every candidate must be a complete baseline/progressive JPEG (SOI..EOI within the file).
 */

export type PreviewCandidate = { offset: number; length: number; width: number; height: number };

export type RawPreviews = {
  /** Largest first. */
  candidates: PreviewCandidate[];
  /** Orientation (1–8) from the RAW container (TIFF IFD0, CR3 CMT1), null when unknown. */
  orientation: number | null;
  /** Previews the structure points at but which lie past the end of the file (cut-off copies). */
  missing: number;
};

type JpegSpan = { end: number; width: number; height: number };

const MAX_SCAN_PROBES = 400;

export function findRawPreviews(file: Buffer, format: RawFormat): RawPreviews {
  const found = new Map<number, PreviewCandidate>();
  const add = (offset: number, length: number | null) => {
    if (found.has(offset) || offset <= 0 || offset >= file.length) return;
    const limit = length === null ? file.length : Math.min(file.length, offset + length);
    const span = jpegSpan(file, offset, limit);
    if (span) found.set(offset, { offset, length: span.end - offset, width: span.width, height: span.height });
  };

  let orientation: number | null = null;
  let missing = 0;
  const tiffStart = format === 'cr3' ? findCr3Cmt1(file) : isTiffHeader(file, 0) ? 0 : -1;
  if (tiffStart >= 0) {
    const walk = walkTiff(file, tiffStart, format !== 'cr3');
    orientation = walk.orientation;
    missing = walk.missing;
    for (const { offset, length } of walk.jpegs) add(offset, length);
  }
  if (format === 'raf' && file.length >= 92) {
    add(file.readUInt32BE(84), file.readUInt32BE(88));
  }
  // Byte scan: cheap with indexOf, bounded so a pathological file cannot stall a job.
  let probes = 0;
  for (let at = file.indexOf(SOI); at >= 0 && probes < MAX_SCAN_PROBES; at = file.indexOf(SOI, at + 2)) {
    probes++;
    add(at, null);
  }
  const candidates = [...found.values()].sort((a, b) => b.width * b.height - a.width * a.height || b.length - a.length);
  return { candidates, orientation, missing };
}

const SOI = Buffer.from([0xff, 0xd8, 0xff]);

/** Walks JPEG markers from SOI to EOI; null unless it is complete and a displayable (non-lossless) JPEG. */
export function jpegSpan(buf: Buffer, start: number, limit: number): JpegSpan | null {
  if (buf[start] !== 0xff || buf[start + 1] !== 0xd8) return null;
  let at = start + 2;
  let width = 0;
  let height = 0;
  while (at + 4 <= limit) {
    if (buf[at] !== 0xff) return null;
    const marker = buf[at + 1] ?? 0;
    if (marker === 0xff) { at++; continue; } // fill bytes
    if (marker === 0xd9) return width > 0 && height > 0 ? { end: at + 2, width, height } : null;
    if (marker >= 0xd0 && marker <= 0xd7) { at += 2; continue; }
    const length = buf.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > limit) return null;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      height = buf.readUInt16BE(at + 5);
      width = buf.readUInt16BE(at + 7);
    } else if (marker === 0xc3 || (marker >= 0xc5 && marker <= 0xcf && marker !== 0xc8 && marker !== 0xcc)) {
      return null; // lossless / hierarchical / arithmetic: RAW sensor data (DNG, CR2 slices), not a preview
    }
    at += 2 + length;
    if (marker === 0xda) {
      if (width === 0) return null;
      // Entropy-coded data: the next 0xFF not followed by 0x00 or RSTn is the next marker.
      for (;;) {
        const ff = buf.indexOf(0xff, at);
        if (ff < 0 || ff + 1 >= limit) return null;
        const next = buf[ff + 1] ?? 0;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) { at = ff + 2; continue; }
        at = ff;
        break;
      }
    }
  }
  return null;
}

function isTiffHeader(buf: Buffer, at: number): boolean {
  if (buf.length < at + 8) return false;
  const order = buf.toString('latin1', at, at + 2);
  return order === 'II' || order === 'MM';
}

/** CR3 keeps its IFD0 (with Orientation) as a TIFF in the CMT1 box inside moov/uuid. */
function findCr3Cmt1(file: Buffer): number {
  const at = file.indexOf('CMT1', 0, 'latin1');
  return at >= 4 && isTiffHeader(file, at + 4) ? at + 4 : -1;
}

type TiffWalk = { orientation: number | null; jpegs: Array<{ offset: number; length: number }>; missing: number };

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

function walkTiff(file: Buffer, base: number, followChain: boolean): TiffWalk {
  const le = file.toString('latin1', base, base + 2) === 'II';
  const u16 = (at: number) => (le ? file.readUInt16LE(at) : file.readUInt16BE(at));
  const u32 = (at: number) => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const result: TiffWalk = { orientation: null, jpegs: [], missing: 0 };
  const visited = new Set<number>();
  const pending: Array<{ offset: number; depth: number; isIfd0: boolean }> = [{ offset: u32(base + 4), depth: 0, isIfd0: true }];

  while (pending.length > 0 && visited.size < 64) {
    const { offset, depth, isIfd0 } = pending.shift()!;
    const ifd = base + offset;
    if (offset === 0 || visited.has(ifd) || ifd + 2 > file.length) continue;
    visited.add(ifd);
    const count = u16(ifd);
    if (ifd + 2 + count * 12 > file.length || count > 1000) continue;
    const tags = new Map<number, number[]>();
    const blobs: Array<{ offset: number; length: number }> = [];
    for (let i = 0; i < count; i++) {
      const entry = ifd + 2 + i * 12;
      const tag = u16(entry);
      const type = u16(entry + 2);
      const n = u32(entry + 4);
      const size = (TYPE_SIZES[type] ?? 1) * n;
      const valueAt = size <= 4 ? entry + 8 : base + u32(entry + 8);
      if ((type === 7 || type === 1) && size > 1024) {
        blobs.push({ offset: valueAt, length: size });
        continue;
      }
      if (type !== 3 && type !== 4 && type !== 13) continue;
      if (n > 4096 || valueAt + size > file.length) continue;
      const values: number[] = [];
      for (let k = 0; k < n; k++) values.push(type === 3 ? u16(valueAt + k * 2) : u32(valueAt + k * 4));
      tags.set(tag, values);
    }
    const first = (tag: number) => tags.get(tag)?.[0];
    if (isIfd0) {
      const o = first(0x0112);
      if (o !== undefined && o >= 1 && o <= 8) result.orientation = o;
    }
    const note = (start: number, length: number) => {
      if (length <= 0) return;
      if (start + length > file.length) result.missing++;
      else result.jpegs.push({ offset: start, length });
    };
    const jif = first(0x0201);
    const jifLength = first(0x0202);
    if (jif !== undefined && jifLength !== undefined) note(base + jif, jifLength);
    const compression = first(0x0103);
    const strips = tags.get(0x0111);
    const stripBytes = tags.get(0x0117);
    if ((compression === 6 || compression === 7) && strips?.length === 1 && stripBytes?.length === 1) {
      note(base + strips[0]!, stripBytes[0]!);
    }
    for (const blob of blobs) {
      if (blob.offset + 2 <= file.length && file[blob.offset] === 0xff && file[blob.offset + 1] === 0xd8) note(blob.offset, blob.length);
    }
    if (depth < 3) {
      for (const sub of tags.get(0x014a) ?? []) pending.push({ offset: sub, depth: depth + 1, isIfd0: false });
    }
    if (followChain && ifd + 2 + count * 12 + 4 <= file.length) {
      pending.push({ offset: u32(ifd + 2 + count * 12), depth, isIfd0: false });
    }
  }
  return result;
}
