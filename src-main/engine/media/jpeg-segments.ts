/** One header segment of a JPEG: its marker byte, where it starts (at its 0xFF) and its length field. */
export type JpegSegment = { marker: number; at: number; length: number };

/** How a walk of the header ended: at the first scan (or end of image), out of bytes, or on bytes that are no segment. */
export type JpegWalkEnd = { end: 'scan'; at: number } | { end: 'short'; need: number } | { end: 'broken' };

/**
 * The segments before a JPEG's first scan (APP1 EXIF/XMP, APP2 ICC…), in order. The generator's
 * return value says why it stopped. Fill bytes (0xFF 0xFF) are stepped over.
 */
export function* jpegSegments(bytes: Uint8Array): Generator<JpegSegment, JpegWalkEnd> {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return { end: 'broken' };
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return { end: 'scan', at };
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    yield { marker, at, length };
    at += 2 + length;
  }
  return { end: 'short', need: at + 4 };
}
