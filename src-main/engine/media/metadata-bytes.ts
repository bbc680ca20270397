import { open } from 'node:fs/promises';
import { jpegSegments } from './jpeg-segments.ts';

const FIRST_READ = 256 * 1024;
/** Header segments past this are not a camera's: read the whole file and let the parser cope. */
const MAX_JPEG_HEADER = 32 * 1024 * 1024;

/**
 * The bytes that can hold a photo's metadata. A JPEG keeps EXIF, XMP and ICC in the segments
 * before its first scan, usually the first 20–100 KB of a multi-megabyte file, so only those are
 * read: reading the whole file cost a full copy of every original in memory and most of the time
 * the metadata step took. Other formats (TIFF-based RAW, HEIF boxes, EXIF at the end of a HEIC)
 * can keep metadata anywhere and are read whole.
 */
export async function readMetadataBytes(filePath: string): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    let buf = Buffer.alloc(Math.min(size, FIRST_READ));
    await handle.read(buf, 0, buf.length, 0);
    if (size <= FIRST_READ) return buf;
    if (buf[0] !== 0xff || buf[1] !== 0xd8) return readAll(handle, size);
    for (;;) {
      const walk = walkHeader(buf);
      if (walk === null) return readAll(handle, size);
      if ('scanAt' in walk) return buf.subarray(0, walk.scanAt);
      const want = Math.min(size, walk.needBytes + FIRST_READ);
      if (want > MAX_JPEG_HEADER || want <= buf.length) return readAll(handle, size);
      buf = Buffer.alloc(want);
      await handle.read(buf, 0, want, 0);
    }
  } finally {
    await handle.close();
  }
}

async function readAll(handle: Awaited<ReturnType<typeof open>>, size: number): Promise<Buffer> {
  const all = Buffer.alloc(size);
  await handle.read(all, 0, size, 0);
  return all;
}

/**
 * Walks the segment lengths to the start of the first scan. A segment longer than what was read
 * asks for more bytes; a broken structure gives null and the caller reads the whole file.
 */
function walkHeader(head: Buffer): { scanAt: number } | { needBytes: number } | null {
  const walk = jpegSegments(head);
  let step = walk.next();
  while (!step.done) step = walk.next();
  const end = step.value;
  if (end.end === 'scan') return { scanAt: end.at };
  return end.end === 'short' ? { needBytes: end.need } : null;
}
