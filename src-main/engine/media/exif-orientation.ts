/**
 * The EXIF Orientation tag of a HEIF 'Exif' item. Read in the HEIC worker (before decoding) because
 * it decides whether libheif may apply the HEIF irot/imir transforms: see heic-worker.ts.
 */

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;

/**
 * `block` is the item payload: a 4-byte big-endian offset to the TIFF header (counted from the end
 * of those 4 bytes; usually 6 for "Exif\0\0", sometimes 0), then the TIFF structure.
 * Returns null when there is no Orientation tag in IFD0 or its value is not 1–8.
 */
export function exifBlockOrientation(block: Uint8Array): number | null {
  const tiff = findTiffHeader(block);
  if (tiff < 0) return null;
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const le = block[tiff] === 0x49;
  const u16 = (at: number) => view.getUint16(at, le);
  const ifd = tiff + view.getUint32(tiff + 4, le);
  if (ifd + 2 > block.length) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > block.length) return null;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    if (u16(entry + 2) !== TYPE_SHORT) return null;
    const value = u16(entry + 8);
    return value >= 1 && value <= 8 ? value : null;
  }
  return null;
}

function isTiffHeader(block: Uint8Array, at: number): boolean {
  if (at < 0 || at + 8 > block.length) return false;
  const [a, b, c, d] = [block[at], block[at + 1], block[at + 2], block[at + 3]];
  return (a === 0x49 && b === 0x49 && c === 42 && d === 0) || (a === 0x4d && b === 0x4d && c === 0 && d === 42);
}

function findTiffHeader(block: Uint8Array): number {
  if (block.length < 12) return -1;
  const declared = 4 + ((block[0]! << 24) | (block[1]! << 16) | (block[2]! << 8) | block[3]!);
  if (isTiffHeader(block, declared)) return declared;
  // Some writers get the offset wrong; the header is always near the start.
  for (let at = 0; at < Math.min(block.length, 64); at++) if (isTiffHeader(block, at)) return at;
  return -1;
}
