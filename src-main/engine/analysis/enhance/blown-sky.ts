import type { PixelGrid } from './pixel-grid.ts';

/** A block this bright in any channel is (mostly) clipped. */
const CLIPPED = 0.97;

/**
 * Clipped blocks in one region that touches the top edge of the frame: an overcast or hazy sky blown
 * to white. Finished photos have them (a camera exposes for the land), so they are the scene, not
 * an exposure error: darkening would turn the sky grey without bringing back a cloud, and darken
 * the land the photographer exposed for. Returns the shares of the frame that are clipped at all
 * and that are clipped sky. A flood fill over the block grid: one pass, a few thousand blocks.
 */
export function blownSky(grid: PixelGrid): { clipped: number; sky: number } {
  const { width: w, height: h, rgb } = grid;
  const n = w * h;
  const clipped = new Uint8Array(n);
  let all = 0;
  for (let k = 0; k < n; k++) {
    if (Math.max(rgb[3 * k]!, rgb[3 * k + 1]!, rgb[3 * k + 2]!) >= CLIPPED) {
      clipped[k] = 1;
      all++;
    }
  }
  const sky = new Uint8Array(n);
  const stack: number[] = [];
  for (let x = 0; x < w; x++) {
    if (clipped[x]) {
      sky[x] = 1;
      stack.push(x);
    }
  }
  let count = stack.length;
  while (stack.length) {
    const k = stack.pop()!;
    const x = k % w;
    const next = [x > 0 ? k - 1 : -1, x < w - 1 ? k + 1 : -1, k >= w ? k - w : -1, k + w < n ? k + w : -1];
    for (const j of next) {
      if (j >= 0 && clipped[j] && !sky[j]) {
        sky[j] = 1;
        count++;
        stack.push(j);
      }
    }
  }
  return { clipped: all / n, sky: count / n };
}
