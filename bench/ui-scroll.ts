// Page-side measurements for bench/ui: scroll frame intervals and the first paint of a grid.
// Each runs inside the page as a function argument (the app's CSP forbids eval; a function is fine).
// Browser globals are typed by hand: this folder is checked against Node's lib.
import type { Page } from 'playwright-core';

type ScrollBox = { scrollTop: number; scrollHeight: number; clientHeight: number };
type Img = { complete: boolean; naturalWidth: number; getBoundingClientRect(): { top: number; bottom: number } };

/**
 * Scrolls `[role="grid"]` by `step` px per animation frame (or, with `pxPerSecond`, by what each
 * frame's elapsed time is worth at that speed) and returns each frame's interval
 * (rAF to rAF). With the frame-rate limit off a frame starts as soon as the previous one is done,
 * so an interval is what the frame cost: main thread, commit, and raster when the compositor waits for it.
 */
export function scrollFrames(page: Page, frames: number, step: number, pxPerSecond = 0): Promise<number[]> {
  return page.evaluate(
    ({ frames, step, pxPerSecond }) =>
      new Promise<number[]>((resolve) => {
        const grid = (globalThis as unknown as { document: { querySelector(s: string): ScrollBox | null } }).document.querySelector('[role="grid"]');
        if (!grid) throw new Error('no grid');
        const raf = (globalThis as unknown as { requestAnimationFrame(cb: (t: number) => void): void }).requestAnimationFrame;
        const intervals: number[] = [];
        let last = -1;
        let direction = 1;
        const tick = (t: number) => {
          if (last >= 0) intervals.push(t - last);
          last = t;
          // A time-based speed scrolls by what the elapsed frame is worth (a reading pace, not a flick).
          const move = pxPerSecond > 0 && intervals.length > 0 ? Math.max(1, Math.round((pxPerSecond * intervals[intervals.length - 1]!) / 1000)) : step;
          if (intervals.length >= frames) {
            (globalThis as unknown as { lightboxScrollEnd: number }).lightboxScrollEnd = performance.now();
            return resolve(intervals);
          }
          // Bounce at either end, so every frame scrolls.
          if (grid.scrollTop + grid.clientHeight + move > grid.scrollHeight) direction = -1;
          if (grid.scrollTop - move < 0) direction = 1;
          grid.scrollTop += direction * move;
          raf(tick);
        };
        raf(tick);
      }),
    { frames, step, pxPerSecond },
  );
}

/** Milliseconds from navigation start until `[role="gridcell"] img` elements exist. */
export async function cellsInDom(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => ((globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }).document.querySelectorAll('[role="gridcell"] img, [role="grid"] img').length > 0 ? performance.now() : 0),
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** Milliseconds from navigation start until every thumbnail in the first `viewportHeight` px is decoded. */
export async function thumbsDecoded(page: Page, viewportHeight: number): Promise<number> {
  const handle = await page.waitForFunction(
    (height) => {
      const all = Array.from((globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Img> } }).document.querySelectorAll('[role="grid"] img'));
      const visible = all.filter((img) => img.getBoundingClientRect().top < height);
      return visible.length > 0 && visible.every((img) => img.complete && img.naturalWidth > 0) ? performance.now() : 0;
    },
    viewportHeight,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Milliseconds from the end of the last `scrollFrames` until every cell in the scroller's box shows
 * a decoded thumbnail: how long the photographer waits for the photos where a flick stopped.
 */
export async function thumbsAfterScroll(page: Page): Promise<number> {
  type Box = { top: number; bottom: number };
  type Cell = { getBoundingClientRect(): Box; querySelector(s: string): Img | null };
  const handle = await page.waitForFunction(
    () => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): Box }; querySelectorAll(s: string): ArrayLike<Cell> } }).document;
      const box = d.querySelector('[role="grid"]').getBoundingClientRect();
      const cells = Array.from(d.querySelectorAll('[role="gridcell"]')).filter((cell) => {
        const r = cell.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      });
      const shown = cells.length > 0 && cells.every((cell) => {
        const img = cell.querySelector('img');
        return img !== null && img.complete && img.naturalWidth > 0;
      });
      return shown ? performance.now() - (globalThis as unknown as { lightboxScrollEnd: number }).lightboxScrollEnd : 0;
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** The app grid's shape, so the raw baseline page can copy it: tile and scroller boxes, first image URL. */
export function gridShape(page: Page): Promise<{ tile: { width: number; height: number }; scroller: { width: number; height: number }; columns: number; firstSrc: string }> {
  return page.evaluate(() => {
    const d = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { width: number; height: number }; getAttribute(n: string): string | null } | null } }).document;
    const cell = d.querySelector('[role="gridcell"]')!.getBoundingClientRect();
    const grid = d.querySelector('[role="grid"]')!;
    const box = grid.getBoundingClientRect();
    return {
      tile: { width: cell.width, height: cell.height },
      scroller: { width: box.width, height: box.height },
      columns: Number(grid.getAttribute('aria-colcount')),
      firstSrc: d.querySelector('[role="gridcell"] img')!.getAttribute('src')!,
    };
  });
}

export function resetScroll(page: Page): Promise<void> {
  return page.evaluate(() => {
    ((globalThis as unknown as { document: { querySelector(s: string): ScrollBox } }).document.querySelector('[role="grid"]')).scrollTop = 0;
  });
}

export const domElements = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { document: { getElementsByTagName(t: string): ArrayLike<unknown> } }).document.getElementsByTagName('*').length);
