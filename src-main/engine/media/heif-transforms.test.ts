import { describe, expect, it } from 'vitest';
import { storedCleanAperture } from './heif-transforms.ts';
import type { CropBorders, HeifTransform } from './heif-transforms.ts';

/** A tiny raster whose every pixel holds its own stored index, so any misplacement shows. */
type Raster = { width: number; height: number; px: number[] };

function stored(width: number, height: number): Raster {
  return { width, height, px: Array.from({ length: width * height }, (_, i) => i) };
}

function at(r: Raster, x: number, y: number): number {
  return r.px[y * r.width + x]!;
}

function build(width: number, height: number, pixel: (x: number, y: number) => number): Raster {
  const px: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) px.push(pixel(x, y));
  return { width, height, px };
}

/** Reference semantics of each HEIF step, written pixel by pixel (what libheif does while decoding). */
function apply(r: Raster, t: HeifTransform, withClap: boolean): Raster {
  if (t.kind === 'irot') {
    let out = r;
    for (let q = 0; q < ((t.ccw / 90) % 4 + 4) % 4; q++) {
      const src = out;
      out = build(src.height, src.width, (x, y) => at(src, src.width - 1 - y, x));
    }
    return out;
  }
  if (t.kind === 'imir') {
    return t.direction === 'horizontal'
      ? build(r.width, r.height, (x, y) => at(r, r.width - 1 - x, y))
      : build(r.width, r.height, (x, y) => at(r, x, r.height - 1 - y));
  }
  if (!withClap) return r;
  const b = t.borders(r.width, r.height);
  return build(r.width - b.left - b.right, r.height - b.top - b.bottom, (x, y) => at(r, x + b.left, y + b.top));
}

function crop(r: Raster, rect: { left: number; top: number; width: number; height: number }): Raster {
  return build(rect.width, rect.height, (x, y) => at(r, x + rect.left, y + rect.top));
}

const clap = (b: CropBorders): HeifTransform => ({ kind: 'clap', borders: () => b });

describe('storedCleanAperture', () => {
  it('keeps the whole image without a clap, whatever the rotation', () => {
    expect(storedCleanAperture(40, 30, [{ kind: 'irot', ccw: 270 }])).toEqual({ left: 0, top: 0, width: 40, height: 30 });
  });

  it('crops a clap listed first directly in stored coordinates', () => {
    expect(storedCleanAperture(40, 30, [clap({ left: 1, top: 2, right: 3, bottom: 4 }), { kind: 'irot', ccw: 90 }]))
      .toEqual({ left: 1, top: 2, width: 36, height: 24 });
  });

  it('maps a clap listed after irot 90° back to the stored frame', () => {
    // Rotated 90° anticlockwise, the rotated frame's top rows are the stored frame's right columns.
    expect(storedCleanAperture(40, 30, [{ kind: 'irot', ccw: 90 }, clap({ left: 0, top: 5, right: 0, bottom: 0 })]))
      .toEqual({ left: 0, top: 0, width: 35, height: 30 });
  });

  const sequences: Array<[string, HeifTransform[]]> = [
    ['clap', [clap({ left: 1, top: 2, right: 0, bottom: 1 })]],
    ['irot 90, clap', [{ kind: 'irot', ccw: 90 }, clap({ left: 1, top: 2, right: 0, bottom: 1 })]],
    ['irot 270, clap', [{ kind: 'irot', ccw: 270 }, clap({ left: 2, top: 0, right: 1, bottom: 3 })]],
    ['clap, irot 270', [clap({ left: 2, top: 0, right: 1, bottom: 3 }), { kind: 'irot', ccw: 270 }]],
    ['imir horizontal, irot 90, clap', [{ kind: 'imir', direction: 'horizontal' }, { kind: 'irot', ccw: 90 }, clap({ left: 1, top: 0, right: 2, bottom: 1 })]],
    ['irot 180, clap, imir vertical, clap', [{ kind: 'irot', ccw: 180 }, clap({ left: 1, top: 1, right: 0, bottom: 2 }), { kind: 'imir', direction: 'vertical' }, clap({ left: 0, top: 1, right: 1, bottom: 0 })]],
  ];

  it.each(sequences)('%s: cropping the stored frame, then rotating, equals libheif order', (_name, transforms) => {
    const original = stored(9, 7);
    const expected = transforms.reduce((r, t) => apply(r, t, true), original);
    const rect = storedCleanAperture(original.width, original.height, transforms);
    const viaStored = transforms.reduce((r, t) => apply(r, t, false), crop(original, rect));
    expect(viaStored).toEqual(expected);
  });

  it('ignores a clap that would leave nothing', () => {
    expect(storedCleanAperture(10, 10, [clap({ left: 6, top: 0, right: 6, bottom: 0 })])).toEqual({ left: 0, top: 0, width: 10, height: 10 });
  });
});
