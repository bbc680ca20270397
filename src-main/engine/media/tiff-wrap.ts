/**
 * Wraps decoded 8-bit interleaved pixels in a minimal uncompressed TIFF that carries the ICC
 * profile. Why: sharp's raw-pixel input has no way to say "these pixels are Display P3", and
 * `withIccProfile` converts instead of tagging. A TIFF with tag 34675 makes libvips treat the
 * pixels exactly like any file with an embedded profile, so the one colour-managed path in
 * derivatives.ts serves HEIC too. Cost: one memcpy of the pixels, no compression.
 */

const ROWS_PER_STRIP = 64;

type Entry = { tag: number; type: 3 | 4 | 7; values: number[] | Uint8Array };

export type WrapInput = {
  width: number;
  height: number;
  channels: 3 | 4;
  /** Row stride of `pixels` in bytes (decoders pad rows). */
  stride: number;
  pixels: Uint8Array;
  icc: Uint8Array | null;
};

export function wrapPixelsAsTiff(input: WrapInput): Uint8Array<ArrayBuffer> {
  const { width, height, channels, stride, pixels, icc } = input;
  const rowBytes = width * channels;
  const strips = Math.ceil(height / ROWS_PER_STRIP);
  const entries: Entry[] = [
    { tag: 256, type: 4, values: [width] },
    { tag: 257, type: 4, values: [height] },
    { tag: 258, type: 3, values: new Array<number>(channels).fill(8) },
    { tag: 259, type: 3, values: [1] }, // no compression
    { tag: 262, type: 3, values: [2] }, // RGB
    { tag: 273, type: 4, values: new Array<number>(strips).fill(0) }, // patched below
    { tag: 277, type: 3, values: [channels] },
    { tag: 278, type: 4, values: [ROWS_PER_STRIP] },
    { tag: 279, type: 4, values: Array.from({ length: strips }, (_, i) => Math.min(ROWS_PER_STRIP, height - i * ROWS_PER_STRIP) * rowBytes) },
    { tag: 284, type: 3, values: [1] }, // chunky
  ];
  if (channels === 4) entries.push({ tag: 338, type: 3, values: [2] }); // unassociated alpha
  if (icc && icc.length > 0) entries.push({ tag: 34675, type: 7, values: icc });

  const ifdStart = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  // Out-of-line values follow the IFD, word aligned; pixel data comes last.
  let extra = ifdStart + ifdSize;
  const placement = new Map<Entry, number>();
  for (const entry of entries) {
    const size = byteLength(entry);
    if (size > 4) {
      placement.set(entry, extra);
      extra += size + (size % 2);
    }
  }
  const dataStart = extra;
  const out = new Uint8Array(dataStart + rowBytes * height);
  const view = new DataView(out.buffer);
  const stripEntry = entries.find((e) => e.tag === 273);
  if (stripEntry) stripEntry.values = Array.from({ length: strips }, (_, i) => dataStart + i * ROWS_PER_STRIP * rowBytes);

  out.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, ifdStart, true);
  view.setUint16(ifdStart, entries.length, true);
  entries.forEach((entry, i) => {
    const at = ifdStart + 2 + i * 12;
    const count = entry.values.length;
    view.setUint16(at, entry.tag, true);
    view.setUint16(at + 2, entry.type, true);
    view.setUint32(at + 4, count, true);
    const where = placement.get(entry) ?? at + 8;
    if (placement.has(entry)) view.setUint32(at + 8, where, true);
    writeValues(view, out, where, entry);
  });
  view.setUint32(ifdStart + 2 + entries.length * 12, 0, true);

  if (stride === rowBytes) {
    out.set(pixels.subarray(0, rowBytes * height), dataStart);
  } else {
    for (let y = 0; y < height; y++) out.set(pixels.subarray(y * stride, y * stride + rowBytes), dataStart + y * rowBytes);
  }
  return out;
}

function byteLength(entry: Entry): number {
  const unit = entry.type === 3 ? 2 : entry.type === 4 ? 4 : 1;
  return unit * entry.values.length;
}

function writeValues(view: DataView, out: Uint8Array, at: number, entry: Entry): void {
  if (entry.values instanceof Uint8Array) {
    out.set(entry.values, at);
    return;
  }
  entry.values.forEach((value, i) => {
    if (entry.type === 3) view.setUint16(at + i * 2, value, true);
    else view.setUint32(at + i * 4, value, true);
  });
}
