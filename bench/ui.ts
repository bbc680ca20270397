// UI benchmark (not a test): the review window over a 10,000-photo library in Debian Chromium.
// First grid paint after load, scroll frame times with the frame-rate limit off (so a frame's
// interval is what it cost, not the 60 Hz vsync), and the page's JS heap.
// Run: npm run bench -- ui   (or: node bench/ui.ts [--photos 10000] [--frames 600])
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { chromium, type Page } from 'playwright-core';
import { corpusPath, hasCorpus, corpusSkipReason } from '../test-support/corpus.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { CHROMIUM, RENDERER_INDEX, startServer, stopServer } from '../e2e/headless-server.ts';
import { percentile, printTable } from './bench-utils.ts';
import { seedLibrary } from './ui-seed.ts';

const { values } = parseArgs({ options: { photos: { type: 'string', default: '10000' }, frames: { type: 'string', default: '600' } } });
if (!hasCorpus) {
  console.log(`ui benchmark skipped: ${corpusSkipReason}`);
  process.exit(0);
}
if (!existsSync(RENDERER_INDEX) || !existsSync(CHROMIUM)) {
  console.log(`ui benchmark skipped: needs ${RENDERER_INDEX} (npm run build:renderer) and ${CHROMIUM}.`);
  process.exit(0);
}
const PHOTOS = Number(values.photos);
const FRAMES = Number(values.frames);
const SOURCES = ['jpeg/camera/Canon_EOS_D60.jpg', 'jpeg/camera/Apple_iPhone_4.jpg', 'jpeg/camera/Canon_EOS_7D.jpg', 'jpeg/camera/Kodak_PIXPRO_S-1.jpg'];

/** Real 256 px thumbnails, as derive writes them, shared by all rows. */
async function makeThumbs(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(
    SOURCES.map(async (source, i) => {
      const out = path.join(dir, `thumb-${i}.jpg`);
      await sharp(corpusPath(source)).rotate().resize(256, 256, { fit: 'inside' }).jpeg({ quality: 80 }).toFile(out);
      return out;
    }),
  );
}

/**
 * Scrolls the grid by `step` px per animation frame and returns each frame's interval. The page
 * runs this function itself (the page's CSP forbids eval; a function argument is fine).
 */
function scrollFrames(page: Page, frames: number, step: number): Promise<number[]> {
  return page.evaluate(
    ({ frames, step }) =>
      new Promise<number[]>((resolve) => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { scrollTop: number; scrollHeight: number; clientHeight: number } | null } }).document;
        const grid = doc.querySelector('[role="grid"]');
        if (!grid) throw new Error('no grid');
        const raf = (globalThis as unknown as { requestAnimationFrame(cb: (t: number) => void): void }).requestAnimationFrame;
        const intervals: number[] = [];
        let last = -1;
        let direction = 1;
        const tick = (t: number) => {
          if (last >= 0) intervals.push(t - last);
          last = t;
          if (intervals.length >= frames) return resolve(intervals);
          // Bounce at either end, so every frame scrolls.
          if (grid.scrollTop + grid.clientHeight + step > grid.scrollHeight) direction = -1;
          if (grid.scrollTop - step < 0) direction = 1;
          grid.scrollTop += direction * step;
          raf(tick);
        };
        raf(tick);
      }),
    { frames, step },
  );
}

const load = (await import('node:os')).loadavg()[0]!;
const work = await tempDir('lightbox-bench-ui-');
const library = path.join(work.path, 'library');
const seedStart = performance.now();
await seedLibrary({ libraryDir: library, count: PHOTOS, thumbs: await makeThumbs(path.join(work.path, 'thumbs')), folderPath: path.join(work.path, 'inbox') });
await mkdir(path.join(work.path, 'inbox'), { recursive: true });
const seedSeconds = (performance.now() - seedStart) / 1000;

const server = await startServer(library, []);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-frame-rate-limit', '--disable-gpu-vsync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (error) => console.error('[page error]', error));
  // A cold load: the server's link trades the token for a cookie, then the page boots.
  await page.goto(server.url);
  // First paint of the grid: cells in the DOM and every visible thumbnail decoded, measured from
  // the navigation start of the page that shows it.
  const firstCells = await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }).document;
    return doc.querySelectorAll('[role="gridcell"] img').length > 0 ? performance.now() : 0;
  }, undefined, { polling: 'raf', timeout: 30_000 });
  const cellsMs = (await firstCells.jsonValue()) as number;
  const firstThumbs = await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ complete: boolean; naturalWidth: number; getBoundingClientRect(): { top: number } }> } }).document;
    const visible = Array.from(doc.querySelectorAll('[role="gridcell"] img')).filter((img) => img.getBoundingClientRect().top < 900);
    return visible.length > 0 && visible.every((img) => img.complete && img.naturalWidth > 0) ? performance.now() : 0;
  }, undefined, { polling: 'raf', timeout: 30_000 });
  const thumbsMs = (await firstThumbs.jsonValue()) as number;
  const total = await page.getByRole('heading', { name: /^Photos/ }).innerText();
  // Where the first paint's time goes: document and bundle in, then the API round trips.
  const boot = await page.evaluate(() => {
    // Browser-only entry type: typed by hand, this file is checked against Node's lib.
    const entries = (performance as unknown as { getEntriesByType(t: string): Array<{ domContentLoadedEventEnd: number }> }).getEntriesByType('navigation');
    return { domContentLoaded: entries[0]?.domContentLoadedEventEnd ?? Number.NaN };
  });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (name: string) => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  };
  const heap = async () => (await metric('JSHeapUsedSize')) / 1024 / 1024;
  // Main-thread time (script, style, layout, tasks) per frame: what our code costs, apart from
  // raster and from other processes competing for the same two cores.
  const mainThread = async () => (await metric('TaskDuration')) * 1000;
  const heapAfterLoad = await heap();

  // Smooth scroll (a trackpad flick), then a fast one that crosses every page of the library.
  const taskBefore = await mainThread();
  const smooth = await scrollFrames(page, FRAMES, 120);
  const taskPerFrame = ((await mainThread()) - taskBefore) / smooth.length;
  const fast = await scrollFrames(page, Math.max(100, Math.round(FRAMES / 3)), 2400);
  const heapAfterScroll = await heap();
  await cdp.send('HeapProfiler.collectGarbage');
  const heapAfterGc = await heap();
  const domNodes = await page.evaluate(() => (globalThis as unknown as { document: { getElementsByTagName(t: string): ArrayLike<unknown> } }).document.getElementsByTagName('*').length);

  printTable(`Review window, ${PHOTOS} photos (seeded in ${seedSeconds.toFixed(1)} s; grid heading "${total.replace('\n', ' ')}"), Chromium 1440x900, frame-rate limit off, load average ${load.toFixed(1)} on this machine`, [
    { metric: 'DOMContentLoaded, bundle run (ms)', value: boot.domContentLoaded, target: '' },
    { metric: 'first grid cells in DOM after navigation (ms)', value: cellsMs, target: '' },
    { metric: 'first grid paint, visible thumbnails decoded (ms)', value: thumbsMs, target: '<= 1000' },
    { metric: `smooth scroll 120 px/frame: frame p50 (ms), ${smooth.length} frames`, value: percentile(smooth, 50), target: '' },
    { metric: 'smooth scroll 120 px/frame: frame p95 (ms)', value: percentile(smooth, 95), target: '<= 16.7' },
    { metric: 'smooth scroll: frames over 16.7 ms', value: smooth.filter((t) => t > 16.7).length, target: '' },
    { metric: 'smooth scroll: main-thread work per frame, mean (ms)', value: taskPerFrame, target: '' },
    { metric: `fast scroll 2400 px/frame: frame p95 (ms), ${fast.length} frames`, value: percentile(fast, 95), target: '' },
    { metric: 'fast scroll: frame max (ms)', value: Math.max(...fast), target: '' },
    { metric: 'JS heap after load (MB)', value: heapAfterLoad, target: '' },
    { metric: 'JS heap after scrolling every page (MB)', value: heapAfterScroll, target: '<= 300' },
    { metric: 'JS heap after GC (MB)', value: heapAfterGc, target: '' },
    { metric: 'DOM elements after scrolling', value: domNodes, target: '' },
  ]);
} finally {
  await browser.close();
  await stopServer(server.child);
  await work.cleanup();
}
