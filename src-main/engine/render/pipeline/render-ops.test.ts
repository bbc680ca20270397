import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Recipe, RecipeStep } from '../../../contract/recipe.ts';
import { newRecipe, newStep } from '../../recipes/create.ts';
import { renderRecipe } from './render-recipe.ts';

const png = (step: RecipeStep[]): Recipe => ({ ...newRecipe('0'.repeat(64)), steps: [...step, newStep('output', { format: 'png', quality: 100, tiffBitDepth: 8, colourSpace: 'srgb' })], end: step.length + 1 });

/** An untagged 8-bit sRGB PNG from a per-pixel function. */
async function synthetic(width: number, height: number, colour: (x: number, y: number) => [number, number, number]): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(colour(x, y), (y * width + x) * 3);
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

async function pixels(data: Buffer) {
  const { data: px, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number): [number, number, number] => {
    const i = (y * info.width + x) * 3;
    return [px[i]!, px[i + 1]!, px[i + 2]!];
  };
  return { at, width: info.width, height: info.height, px };
}

async function render(input: Buffer, steps: RecipeStep[]) {
  return pixels((await renderRecipe({ buffer: input }, png(steps))).data);
}

const close = (actual: number[], expected: number[], tol = 2) => actual.forEach((v, i) => expect(Math.abs(v - expected[i]!), `channel ${i}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol));
const toLinear = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);

const RED: [number, number, number] = [220, 30, 30];
const GREEN: [number, number, number] = [30, 200, 40];
const BLUE: [number, number, number] = [20, 40, 210];
const WHITE: [number, number, number] = [250, 250, 250];
const quadrants = () => synthetic(40, 20, (x, y) => (y < 10 ? (x < 20 ? RED : GREEN) : x < 20 ? BLUE : WHITE));

describe('render: geometry', () => {
  it('renders an empty recipe as the original', async () => {
    const out = await render(await quadrants(), []);
    expect([out.width, out.height]).toEqual([40, 20]);
    close(out.at(0, 0), RED);
    close(out.at(39, 19), WHITE);
  });

  it('crop picks the right pixels', async () => {
    const out = await render(await quadrants(), [newStep('crop', { x: 0.5, y: 0, w: 0.5, h: 0.5 })]);
    expect([out.width, out.height]).toEqual([20, 10]);
    for (const [x, y] of [[0, 0], [19, 0], [0, 9], [19, 9], [10, 5]] as const) close(out.at(x, y), GREEN);
    const lower = await render(await quadrants(), [newStep('crop', { x: 0.25, y: 0.5, w: 0.5, h: 0.5 })]);
    expect([lower.width, lower.height]).toEqual([20, 10]);
    close(lower.at(0, 5), BLUE);
    close(lower.at(19, 5), WHITE);
  });

  it('rotate and flip move a marked corner', async () => {
    const marked = await synthetic(30, 20, (x, y) => (x < 4 && y < 4 ? RED : [128, 128, 128]));
    const cases: Array<[Record<string, unknown>, [number, number], (w: number, h: number) => [number, number]]> = [
      [{ turn: 'cw90' }, [20, 30], (w) => [w - 1, 0]],
      [{ turn: 'ccw90' }, [20, 30], (_w, h) => [0, h - 1]],
      [{ turn: '180' }, [30, 20], (w, h) => [w - 1, h - 1]],
      [{ flipH: true }, [30, 20], (w) => [w - 1, 0]],
      [{ flipV: true }, [30, 20], (_w, h) => [0, h - 1]],
      [{ turn: 'cw90', flipH: true }, [20, 30], () => [0, 0]],
    ];
    for (const [params, size, corner] of cases) {
      const out = await render(marked, [newStep('rotate', params)]);
      expect([out.width, out.height], JSON.stringify(params)).toEqual(size);
      const [x, y] = corner(out.width, out.height);
      close(out.at(x, y), RED);
      close(out.at(out.width - 1 - x, out.height - 1 - y), [128, 128, 128]);
    }
  });

  it('straighten keeps the crop centre and shows no background corners', async () => {
    // Mid-grey photo with a red dot at the crop centre; black corners would mean background showed.
    const img = await synthetic(200, 100, (x, y) => (Math.abs(x - 120) <= 2 && Math.abs(y - 50) <= 2 ? RED : [128, 128, 128]));
    const out = await render(img, [newStep('crop', { x: 0.3, y: 0.1, w: 0.6, h: 0.8, angle: 12 })]);
    // Shrunk to fit inside the rotated photo, same 120:80 aspect.
    expect(out.width).toBeLessThan(120);
    expect(Math.abs(out.width / out.height - 1.5)).toBeLessThan(0.05);
    for (const [x, y] of [[0, 0], [out.width - 1, 0], [0, out.height - 1], [out.width - 1, out.height - 1]] as const) close(out.at(x, y), [128, 128, 128], 3);
    close(out.at(Math.floor(out.width / 2), Math.floor(out.height / 2)), RED, 40);
  });

  it('straighten turns the picture counter-clockwise for a positive angle', async () => {
    // A horizontal bar: turned counter-clockwise, its right end rises.
    const img = await synthetic(200, 200, (_x, y) => (Math.abs(y - 100) <= 3 ? [0, 0, 0] : [255, 255, 255]));
    const out = await render(img, [newStep('crop', { x: 0.1, y: 0.1, w: 0.8, h: 0.8, angle: 10 })]);
    const darkestRow = (x: number) => {
      let best = 0, min = 999;
      for (let y = 0; y < out.height; y++) if (out.at(x, y)[0] < min) [min, best] = [out.at(x, y)[0], y];
      return best;
    };
    expect(darkestRow(out.width - 5)).toBeLessThan(darkestRow(4) - 10);
  });

  it('runs geometry before resize whatever the step order', async () => {
    const out = await render(await quadrants(), [
      newStep('resize', { mode: 'long-edge', longEdge: 10, allowUpscale: false }),
      newStep('crop', { x: 0.5, y: 0, w: 0.5, h: 1 }),
    ]);
    expect([out.width, out.height]).toEqual([10, 10]);
    close(out.at(5, 1), GREEN, 6);
    close(out.at(5, 8), WHITE, 6);
  });

  it('resize never upscales unless asked', async () => {
    const img = await quadrants();
    const down = await render(img, [newStep('resize', { mode: 'long-edge', longEdge: 20, allowUpscale: false })]);
    expect([down.width, down.height]).toEqual([20, 10]);
    const same = await render(img, [newStep('resize', { mode: 'long-edge', longEdge: 80, allowUpscale: false })]);
    expect([same.width, same.height]).toEqual([40, 20]);
    const up = await render(img, [newStep('resize', { mode: 'long-edge', longEdge: 80, allowUpscale: true })]);
    expect([up.width, up.height]).toEqual([80, 40]);
    const box = await render(img, [newStep('resize', { mode: 'box', width: 10, height: 10, fit: 'cover', allowUpscale: false })]);
    expect([box.width, box.height]).toEqual([10, 10]);
  });
});

describe('render: tone and colour', () => {
  const grey = (v: number) => synthetic(8, 8, () => [v, v, v]);

  it('exposure +1 EV roughly doubles linear values; -1 EV halves them', async () => {
    for (const v of [40, 90, 140]) {
      const up = (await render(await grey(v), [newStep('exposure', { ev: 1 })])).at(4, 4)[1];
      const down = (await render(await grey(v), [newStep('exposure', { ev: -1 })])).at(4, 4)[1];
      expect(toLinear(up) / toLinear(v)).toBeGreaterThan(1.9);
      expect(toLinear(up) / toLinear(v)).toBeLessThan(2.1);
      expect(toLinear(down) / toLinear(v)).toBeGreaterThan(0.47);
      expect(toLinear(down) / toLinear(v)).toBeLessThan(0.53);
    }
    expect((await render(await grey(230), [newStep('exposure', { ev: 2 })])).at(0, 0)).toEqual([255, 255, 255]);
  });

  it('saturation -100 gives grey; +100 moves channels apart', async () => {
    const colourful = await synthetic(12, 4, (x) => [RED, GREEN, BLUE][x % 3]!);
    const flat = await render(colourful, [newStep('saturation', { amount: -100 })]);
    for (let x = 0; x < 12; x++) {
      const [r, g, b] = flat.at(x, 1);
      expect(Math.max(r, g, b) - Math.min(r, g, b), `pixel ${x}: ${[r, g, b]}`).toBeLessThanOrEqual(2);
    }
    const muted = await synthetic(4, 4, () => [150, 120, 110]);
    const [r, , b] = (await render(muted, [newStep('saturation', { amount: 100 })])).at(1, 1);
    expect(r - b).toBeGreaterThan(40 + 10);
  });

  it('contrast pivots around mid-grey', async () => {
    const ramp = await synthetic(3, 1, (x) => { const v = [64, 128, 192][x]!; return [v, v, v]; });
    const out = await render(ramp, [newStep('contrast', { amount: 50 })]);
    expect(out.at(0, 0)[0]).toBeLessThan(64 - 20);
    expect(Math.abs(out.at(1, 0)[0] - 128)).toBeLessThanOrEqual(2);
    expect(out.at(2, 0)[0]).toBeGreaterThan(192 + 20);
    const flat = await render(ramp, [newStep('contrast', { amount: -100 })]);
    expect(flat.at(2, 0)[0] - flat.at(0, 0)[0]).toBeLessThan(64);
    expect(flat.at(2, 0)[0] - flat.at(0, 0)[0]).toBeGreaterThan(16);
  });

  it('highlights/shadows bend the ends and keep black and white', async () => {
    const ramp = await synthetic(4, 1, (x) => { const v = [0, 50, 210, 255][x]!; return [v, v, v]; });
    const out = await render(ramp, [newStep('highlights-shadows', { shadows: 100, highlights: -100 })]);
    expect(out.at(0, 0)).toEqual([0, 0, 0]);
    expect(out.at(1, 0)[0]).toBeGreaterThan(50 + 15);
    expect(out.at(2, 0)[0]).toBeLessThan(210 - 5);
    close(out.at(3, 0), [255, 255, 255], 1);
  });

  it('white balance warms a grey and keeps it about as bright', async () => {
    const [r, g, b] = (await render(await grey(128), [newStep('white-balance', { temperature: 60, tint: 0 })])).at(2, 2);
    expect(r).toBeGreaterThan(b + 30);
    expect(Math.abs(g - 128)).toBeLessThan(8);
    const [r2, g2, b2] = (await render(await grey(128), [newStep('white-balance', { temperature: 0, tint: 80 })])).at(2, 2);
    expect(g2).toBeLessThan(Math.min(r2, b2) - 10);
  });

  it('black point then exposure undo a veil of flare exactly, colours included', async () => {
    // The scene: a ramp of colours from near black to near white. The veil, made in linear light as
    // flare makes it: a quarter of the light replaced by an even 18% grey (blacks at 4.5%).
    const scene = (x: number, y: number): [number, number, number] => {
      const v = Math.round((x / 63) * 250);
      return [[v, v, v], [v, Math.round(v * 0.6), Math.round(v * 0.3)], [Math.round(v * 0.3), Math.round(v * 0.7), v]][y % 3] as [number, number, number];
    };
    const toByte = (l: number) => Math.round(255 * (l <= 0.0031308 ? l * 12.92 : 1.055 * l ** (1 / 2.4) - 0.055));
    const veiled = await synthetic(64, 3, (x, y) => scene(x, y).map((v) => toByte(0.75 * toLinear(v) + 0.045)) as [number, number, number]);
    const out = await render(veiled, [newStep('black-point', { level: 4.5 }), newStep('exposure', { ev: Math.log2(0.955 / 0.75) })]);
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 64; x++) {
        const want = scene(x, y);
        // Darks lose 8-bit precision under the veil (a quarter of the light, and the lift), so they get more room.
        close(out.at(x, y), want, Math.min(...want) < 40 ? 5 : 2);
      }
    }
    expect((await render(veiled, [newStep('black-point', { level: 0 })])).px.equals((await render(veiled, [])).px)).toBe(true);
  });

  it('vibrance lifts muted colours more than saturated ones and leaves greys', async () => {
    const img = await synthetic(3, 1, (x) => [[150, 125, 115], [230, 40, 30], [128, 128, 128]][x] as [number, number, number]);
    const out = await render(img, [newStep('vibrance', { amount: 100 })]);
    const spread = (p: number[]) => Math.max(...p) - Math.min(...p);
    const mutedGain = spread(out.at(0, 0)) / 35;
    const vividGain = spread(out.at(1, 0)) / 200;
    expect(mutedGain).toBeGreaterThan(1.4);
    expect(vividGain).toBeLessThan(mutedGain - 0.2);
    expect(spread(out.at(2, 0))).toBeLessThanOrEqual(1);
  });

  it('sharpen raises edge contrast', async () => {
    const edge = await synthetic(20, 20, (x) => (x < 10 ? [80, 80, 80] : [170, 170, 170]));
    const out = await render(edge, [newStep('sharpen', { amount: 100, radius: 1 })]);
    expect(out.at(9, 10)[0]).toBeLessThan(80 - 5);
    expect(out.at(10, 10)[0]).toBeGreaterThan(170 + 5);
    close(out.at(2, 10), [80, 80, 80]);
  });
});

describe('render: watermark', () => {
  it('draws escaped text in the chosen corner', async () => {
    const black = await synthetic(400, 200, () => [0, 0, 0]);
    const out = await render(black, [newStep('watermark', { text: '<Tom & "Jerry">', position: 'bottom-right', opacity: 1, fontSize: 0.15, colour: '#ffffff' })]);
    const mean = (x0: number, y0: number, x1: number, y1: number) => {
      let s = 0, n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++, n++) s += out.at(x, y)[0];
      return s / n;
    };
    expect(mean(200, 140, 400, 200)).toBeGreaterThan(10);
    // The text is right-aligned and about 260 px wide: the bottom-left 100 px stay black.
    expect(mean(0, 140, 100, 200)).toBe(0);
    expect(mean(0, 0, 200, 60)).toBe(0);
    const centre = await render(black, [newStep('watermark', { text: 'X', position: 'center', opacity: 0.5, fontSize: 0.3, colour: '#ffffff' })]);
    const [r] = centre.at(200, 100 - 10);
    expect(r).toBeGreaterThan(100);
    expect(r).toBeLessThan(200);
  });
});
