// UI benchmark (not a test): the review window over a 10,000-photo library in Debian Chromium.
// First grid paint after load, scroll frame times with the frame-rate limit off (so a frame's
// interval is what it cost, not the 60 Hz vsync), and the page's JS heap. Each round also scrolls
// a "raw" page (a static grid of the same thumbnails, no script) the same way in a fresh context:
// on this shared 2-core machine that is the floor the app's frame times are read against.
// Run: npm run bench -- ui   (or: node bench/ui.ts [--photos 10000] [--frames 600] [--rounds 3] [--trace out.json] [--screenshots dir])
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { corpusPath, hasCorpus, corpusSkipReason } from '../test-support/corpus.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { CHROMIUM, RENDERER_INDEX, startServer, stopServer } from '../e2e/headless-server.ts';
import { percentile, printTable } from './bench-utils.ts';
import { seedLibrary } from './ui-seed.ts';
import { routeRawGrid } from './ui-raw-page.ts';
import { cellsInDom, domElements, gridShape, resetScroll, scrollFrames, thumbsAfterScroll, thumbsDecoded } from './ui-scroll.ts';
import { formatTraceSummary, summariseTrace, TRACE_CATEGORIES } from './ui-trace.ts';

const { values } = parseArgs({
  options: { photos: { type: 'string', default: '10000' }, frames: { type: 'string', default: '600' }, rounds: { type: 'string', default: '3' }, trace: { type: 'string' }, screenshots: { type: 'string' } },
});
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
const ROUNDS = Math.max(1, Number(values.rounds));
const VIEWPORT = { width: 1440, height: 900 };
const SLOW_PX_PER_S = 1200;
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

type ScrollRun = { smooth: number[]; fast: number[]; slow: number[]; slowRequests: number; taskPerFrame: number; thumbRequests: number; settleMs: number };

/** The smooth scroll (a fast trackpad flick), then a fast one that crosses every page of the library. */
async function scrollRun(page: Page): Promise<ScrollRun> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  // Main-thread time (script, style, layout, tasks): what the page costs, apart from raster and
  // from other processes competing for the same two cores.
  const taskMs = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? Number.NaN) * 1000;
  let thumbRequests = 0;
  const count = (request: { url(): string }) => void (request.url().includes('/media/thumb/') && (thumbRequests += 1));
  const before = await taskMs();
  page.on('request', count);
  const smooth = await scrollFrames(page, FRAMES, 120);
  page.off('request', count);
  const taskPerFrame = ((await taskMs()) - before) / smooth.length;
  // What the flick was for: the photos where it stopped, on screen.
  const settleMs = await thumbsAfterScroll(page);
  const fast = await scrollFrames(page, Math.max(100, Math.round(FRAMES / 3)), 2400);
  // A reading pace: slow enough that thumbnails load while the rows come in, so these frames carry
  // the image requests, decodes and raster the flicks above skip.
  await resetScroll(page);
  let slowRequests = 0;
  const countSlow = (request: { url(): string }) => void (request.url().includes('/media/thumb/') && (slowRequests += 1));
  page.on('request', countSlow);
  const slow = await scrollFrames(page, FRAMES, 0, SLOW_PX_PER_S);
  page.off('request', countSlow);
  await cdp.detach();
  return { smooth, fast, slow, slowRequests, taskPerFrame, thumbRequests, settleMs };
}

type AppRound = ScrollRun & { domContentLoaded: number; cellsMs: number; thumbsMs: number; heading: string; heapAfterLoad: number; heapAfterScroll: number; heapAfterGc: number; dom: number };

async function appRound(browser: Browser, url: string): Promise<{ round: AppRound; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error));
  // A cold load in a fresh context (empty cache): the server's link trades the token for a cookie, then the page boots.
  await page.goto(url);
  const cellsMs = await cellsInDom(page);
  const thumbsMs = await thumbsDecoded(page, VIEWPORT.height);
  const heading = (await page.getByRole('heading', { name: /^Photos/ }).innerText()).replace('\n', ' ');
  const domContentLoaded = await page.evaluate(
    // Browser-only entry type: typed by hand, this file is checked against Node's lib.
    () => (performance as unknown as { getEntriesByType(t: string): Array<{ domContentLoadedEventEnd: number }> }).getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? Number.NaN,
  );
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN) / 1024 / 1024;
  const heapAfterLoad = await heap();
  const run = await scrollRun(page);
  const heapAfterScroll = await heap();
  await cdp.send('HeapProfiler.collectGarbage');
  const heapAfterGc = await heap();
  await cdp.detach();
  return { round: { ...run, domContentLoaded, cellsMs, thumbsMs, heading, heapAfterLoad, heapAfterScroll, heapAfterGc, dom: await domElements(page) }, page };
}

async function rawRound(browser: Browser, url: string, shape: Awaited<ReturnType<typeof gridShape>>): Promise<ScrollRun & { thumbsMs: number; dom: number }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(url); // the cookie, as the app gets it
    const origin = new URL(page.url()).origin;
    const rev = new URL(shape.firstSrc, origin).searchParams.get('rev') ?? '1';
    // Rows enough for the smooth scroll's distance and a screen more; the fast scroll bounces within them.
    const rowHeight = shape.tile.height + 8;
    const count = Math.min(PHOTOS, shape.columns * Math.ceil((FRAMES * 120 + 2 * shape.scroller.height) / rowHeight));
    const sources = Array.from({ length: count }, (_, i) => `/media/thumb/${PHOTOS - i}?rev=${rev}`);
    await page.goto(await routeRawGrid(context, origin, { sources, columns: shape.columns, tile: shape.tile, gap: 8, scroller: shape.scroller }));
    // Every image of the page loaded and decoded before the scroll: the floor has no network in it.
    const thumbsMs = await thumbsDecoded(page, Number.POSITIVE_INFINITY);
    const run = await scrollRun(page);
    return { ...run, thumbsMs, dom: await domElements(page) };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => percentile(xs, 50);
const load = os.loadavg()[0]!;
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
  const apps: AppRound[] = [];
  const raws: Array<ScrollRun & { thumbsMs: number; dom: number }> = [];
  let lastPage: Page | undefined;
  // App and raw alternate, so both see the same share of a machine other people are using too.
  for (let round = 0; round < ROUNDS; round += 1) {
    if (lastPage) await lastPage.context().close();
    const { round: app, page } = await appRound(browser, server.url);
    apps.push(app);
    lastPage = page;
    raws.push(await rawRound(browser, server.url, await gridShape(page)));
  }
  const both = (label: string, target: string, pick: (r: ScrollRun) => number) => [
    { metric: `app: ${label}`, value: median(apps.map(pick)), 'per round': apps.map((r) => pick(r).toFixed(1)).join(' '), target },
    { metric: `raw: ${label}`, value: median(raws.map(pick)), 'per round': raws.map((r) => pick(r).toFixed(1)).join(' '), target: '' },
  ];
  const app = (label: string, target: string, pick: (r: AppRound) => number) => ({ metric: label, value: median(apps.map(pick)), 'per round': apps.map((r) => pick(r).toFixed(1)).join(' '), target });
  printTable(
    `Review window, ${PHOTOS} photos (seeded in ${seedSeconds.toFixed(1)} s; grid heading "${apps[0]!.heading}"), Chromium ${VIEWPORT.width}x${VIEWPORT.height}, frame-rate limit off, ` +
      `${ROUNDS} rounds (medians), load average ${load.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)} on this ${os.cpus().length}-core machine; raw = static HTML grid of the same thumbnails`,
    [
      app('DOMContentLoaded, bundle run (ms)', '', (r) => r.domContentLoaded),
      app('first grid cells in DOM after navigation (ms)', '', (r) => r.cellsMs),
      app('app: first grid paint, visible thumbnails decoded (ms)', '<= 1000', (r) => r.thumbsMs),
      ...both(`smooth scroll 120 px/frame: frame p50 (ms), ${FRAMES} frames`, '', (r) => percentile(r.smooth, 50)),
      ...both('smooth scroll 120 px/frame: frame p95 (ms)', '<= 16.7', (r) => percentile(r.smooth, 95)),
      ...both('smooth scroll: frames over 16.7 ms', '', (r) => r.smooth.filter((t) => t > 16.7).length),
      ...both('smooth scroll: main-thread work per frame, mean (ms)', '', (r) => r.taskPerFrame),
      ...both('smooth scroll: thumbnail requests made during it', '', (r) => r.thumbRequests),
      ...both('after the smooth scroll stops: cells in view all show their thumbnail (ms)', '', (r) => r.settleMs),
      ...both(`fast scroll 2400 px/frame: frame p95 (ms)`, '', (r) => percentile(r.fast, 95)),
      ...both('fast scroll: frame max (ms)', '', (r) => Math.max(...r.fast)),
      ...both(`slow scroll ${SLOW_PX_PER_S} px/s: frame p95 (ms)`, '<= 16.7', (r) => percentile(r.slow, 95)),
      ...both('slow scroll: thumbnail requests made during it', '', (r) => r.slowRequests),
      app('JS heap after load (MB)', '', (r) => r.heapAfterLoad),
      app('JS heap after scrolling every page (MB)', '<= 300', (r) => r.heapAfterScroll),
      app('JS heap after GC (MB)', '', (r) => r.heapAfterGc),
      app('DOM elements after scrolling', '', (r) => r.dom),
      { metric: 'raw: DOM elements', value: raws[0]!.dom, 'per round': '', target: '' },
    ],
  );

  // What the grid looks like right after a flick (tiles without photos yet) and once it settled.
  if (values.screenshots && lastPage) {
    await mkdir(values.screenshots, { recursive: true });
    await scrollFrames(lastPage, 40, 120);
    await lastPage.screenshot({ path: path.join(values.screenshots, 'bench-grid-flick.png') });
    await thumbsAfterScroll(lastPage);
    await lastPage.screenshot({ path: path.join(values.screenshots, 'bench-grid-settled.png') });
  }

  // Where the frame time goes: a separate pass, since tracing itself costs frame time.
  if (values.trace && lastPage) {
    await resetScroll(lastPage);
    await browser.startTracing(lastPage, { categories: TRACE_CATEGORIES });
    const traced = await scrollFrames(lastPage, FRAMES, 120);
    const buffer = await browser.stopTracing();
    await writeFile(values.trace, buffer);
    console.log(`\nTraced smooth scroll (images cached by now): frame p50 ${percentile(traced, 50).toFixed(1)} ms, p95 ${percentile(traced, 95).toFixed(1)} ms (trace in ${values.trace})`);
    console.log(formatTraceSummary(summariseTrace(buffer.toString('utf8')), traced.length));
  }
} finally {
  await browser.close();
  await stopServer(server.child);
  await work.cleanup();
}
