import { describe, expect, it } from 'vitest';
import { exifBlockOrientation } from './exif-orientation.ts';

/** A HEIF Exif item: 4-byte offset, optional "Exif\0\0", then a TIFF with one IFD0 entry. */
function exifBlock(opts: { le: boolean; tag?: number; type?: number; value: number; exifPrefix: boolean }): Uint8Array {
  const prefix = opts.exifPrefix ? [0x45, 0x78, 0x69, 0x66, 0, 0] : [];
  const tiff = new Uint8Array(8 + 2 + 12 + 4);
  const view = new DataView(tiff.buffer);
  tiff.set(opts.le ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42]);
  view.setUint32(4, 8, opts.le);
  view.setUint16(8, 1, opts.le);
  view.setUint16(10, opts.tag ?? 0x0112, opts.le);
  view.setUint16(12, opts.type ?? 3, opts.le);
  view.setUint32(14, 1, opts.le);
  view.setUint16(18, opts.value, opts.le);
  return new Uint8Array([0, 0, 0, prefix.length, ...prefix, ...tiff]);
}

describe('exifBlockOrientation', () => {
  it.each([
    [true, true, 6],
    [false, true, 8],
    [true, false, 3],
    [false, false, 1],
  ])('little-endian %s, "Exif" prefix %s: reads %i', (le, exifPrefix, value) => {
    expect(exifBlockOrientation(exifBlock({ le, exifPrefix, value }))).toBe(value);
  });

  it('finds the TIFF header when the declared offset is wrong', () => {
    const block = exifBlock({ le: false, exifPrefix: true, value: 6 });
    block[3] = 0;
    expect(exifBlockOrientation(block)).toBe(6);
  });

  it('returns null without an Orientation tag, for out-of-range values and for garbage', () => {
    expect(exifBlockOrientation(exifBlock({ le: true, exifPrefix: true, tag: 0x010f, value: 6 }))).toBeNull();
    expect(exifBlockOrientation(exifBlock({ le: true, exifPrefix: true, value: 9 }))).toBeNull();
    expect(exifBlockOrientation(exifBlock({ le: true, exifPrefix: true, type: 4, value: 6 }))).toBeNull();
    expect(exifBlockOrientation(new Uint8Array(40).fill(0xab))).toBeNull();
    expect(exifBlockOrientation(new Uint8Array(0))).toBeNull();
  });
});
