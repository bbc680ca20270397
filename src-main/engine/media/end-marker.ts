import { open } from 'node:fs/promises';

/**
 * "Is the writer done?" A stable size is not enough on a slow card reader or a NAS that pauses
 * mid-copy, so for formats that end with a marker we check the marker too. A truly truncated
 * file never gets its marker: after a grace period the caller ingests it anyway and the decoder
 * reports the truncation on the photo (the bytes are still kept).
 */
export type Completeness = 'complete' | 'incomplete' | 'unknown';

const TAIL_BYTES = 64 * 1024;
const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

export async function checkCompleteness(filePath: string): Promise<Completeness> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return 'incomplete';
    const head = Buffer.alloc(Math.min(16, size));
    await handle.read(head, 0, head.length, 0);
    const tailLength = Math.min(TAIL_BYTES, size);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    return judge(head, tail, size);
  } finally {
    await handle.close();
  }
}

function judge(head: Buffer, tail: Buffer, size: number): Completeness {
  if (head[0] === 0xff && head[1] === 0xd8) return jpegEnds(tail) ? 'complete' : 'incomplete';
  if (head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) {
    return tail.subarray(-32).includes(PNG_IEND) ? 'complete' : 'incomplete';
  }
  if (head.subarray(0, 3).toString('latin1') === 'GIF') {
    return tail[tail.length - 1] === 0x3b ? 'complete' : 'incomplete';
  }
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') {
    return head.readUInt32LE(4) + 8 <= size ? 'complete' : 'incomplete';
  }
  // TIFF-based RAWs, HEIF and others carry no end marker we can trust cheaply.
  return 'unknown';
}

/**
 * A JPEG is complete when its LAST bytes are an EOI marker. Searching the tail for FF D9 is not
 * enough: a half-written file often already holds the EOI of its embedded EXIF thumbnail. Cameras
 * pad after the EOI with zeros, and Samsung phones append a trailer that ends in "SEFT".
 */
function jpegEnds(tail: Buffer): boolean {
  let end = tail.length;
  while (end > 0 && (tail[end - 1] === 0x00 || tail[end - 1] === 0xff)) end -= 1;
  if (end >= 2 && tail[end - 1] === 0xd9 && tail[end - 2] === 0xff) return true;
  return tail.subarray(Math.max(0, end - 4), end).toString('latin1') === 'SEFT';
}
