// One run of the whole Lightbox pipeline for bench/pipeline.ts, in a process of its own so its RSS
// is the pipeline's alone: what `lightbox process DIR --immich-url URL --upload both` does (ingest,
// derive, analysis, render, upload of original + processed as one stack), with the measurements
// the parent prints. Prints one JSON line on stdout. Not meant to be run by hand.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createEngine } from '../src-main/engine/engine.ts';

const { values } = parseArgs({
  options: {
    inbox: { type: 'string' },
    library: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
    // Uploaded-photo counts at which RSS is recorded (the 1,000-photo mode: 200 and 1000).
    checkpoints: { type: 'string', default: '' },
    // Once every photo is ingested, open the last one as the loupe does and time its analysis + preview.
    focus: { type: 'boolean', default: false },
  },
});
const { inbox, library, url, key } = values;
if (!inbox || !library || !url || !key) throw new Error('pipeline-engine needs --inbox, --library, --url and --key');
const checkpoints = values.checkpoints ? values.checkpoints.split(',').map(Number) : [];

const engine = await createEngine({
  libraryDir: library,
  watchFolders: false,
  immich: { serverUrl: url, apiKey: key, defaultUpload: { what: 'both', cover: 'processed', albumName: null } },
});

const loop = monitorEventLoopDelay({ resolution: 10 });
// Event-loop delay per 10-second window as well: "p99 <= 50 ms throughout", not only on average.
const windows: number[] = [];
let window = monitorEventLoopDelay({ resolution: 10 });
window.enable();
const windowTimer = setInterval(() => {
  window.disable();
  windows.push(window.percentile(99) / 1e6);
  window = monitorEventLoopDelay({ resolution: 10 });
  window.enable();
}, 10_000);
const started = performance.now();
let firstInImmichMs: number | null = null;
let uploaded = 0;
const rssAt: Record<string, number> = {};
// RSS at every upload as well: a render adds 100-150 MB for half a second, so one reading at photo N
// says as much about where the render was as about the level; the median of the readings around N does not.
const rssByUpload: number[] = [];
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** The median of the readings at uploads n-20..n+20 (those there are: the last photo has none after it). */
function medianAround(readings: number[], n: number): number | null {
  const near = readings.slice(Math.max(1, n - 20), n + 21).filter((v) => v !== undefined).sort((a, b) => a - b);
  return near.length === 0 ? null : near[Math.floor(near.length / 2)]!;
}

engine.api.on('upload.progress', (p) => {
  if (p.state !== 'uploaded') return;
  uploaded += 1;
  firstInImmichMs ??= performance.now() - started;
  if (checkpoints.length === 0) return;
  const rss = mb(process.memoryUsage.rss());
  rssByUpload[uploaded] = rss;
  if (checkpoints.includes(uploaded)) rssAt[String(uploaded)] = rss;
});

type Focus = { photoId: number; queuedAnalyses: number; analysisMs: number | null; previewMs: number | null };
let focus: Focus | null = null;
let focusDone: Promise<void> = Promise.resolve();
if (values.focus) {
  engine.api.on('queue.stats', (stats) => {
    const ingest = stats.kinds['ingest'];
    if (!ingest || focus) return;
    const total = ingest.done + ingest.dead + ingest.queued + ingest.running + ingest.failed;
    if (ingest.done + ingest.dead < total || total < 2) return;
    // The newest photo: the last in the backlog's line (ids grow with each photo stored).
    const ids = engine.api.call('photos.ids', {});
    focus = { photoId: 0, queuedAnalyses: stats.kinds['analyze']?.queued ?? 0, analysisMs: null, previewMs: null };
    const f = focus;
    focusDone = ids.then((all) => {
      f.photoId = Math.max(...all);
      return openPhoto(f);
    });
  });
}

/**
 * What the loupe does when a photo is opened: tells the queue (queue.focus), reads the photo, asks
 * for its preview, watches its analysis.
 */
async function openPhoto(f: Focus): Promise<void> {
  const at = performance.now();
  await engine.api.call('queue.focus', { photoId: f.photoId });
  const analysed = new Promise<void>((resolve) => {
    const off = engine.api.on('analysis.changed', (e) => {
      if (e.photoId !== f.photoId || e.status !== 'completed') return;
      f.analysisMs = performance.now() - at;
      off();
      resolve();
    });
  });
  await engine.api.call('photos.get', { id: f.photoId });
  // The loupe asks again until the preview exists: none can be made before the photo is derived.
  const preview = (async () => {
    while (!(await engine.resolveMedia('preview', f.photoId))) await new Promise((resolve) => setTimeout(resolve, 50));
    f.previewMs = performance.now() - at;
  })();
  await Promise.all([analysed, preview]);
}

const cpu = process.cpuUsage();
loop.enable();
const summary = await engine.processOnce([inbox]);
const wallMs = performance.now() - started;
loop.disable();
await focusDone;
clearInterval(windowTimer);
window.disable();
windows.push(window.percentile(99) / 1e6);
const used = process.cpuUsage(cpu);
const report = engine.stages();
await engine.close();

process.stdout.write(
  `${JSON.stringify({
    photos: summary.files,
    ingested: summary.ingested,
    failed: summary.failed.length,
    immich: summary.immich ? { uploaded: summary.immich.uploaded, stacked: summary.immich.stacked, failed: summary.immich.failed.length, waiting: summary.immich.waiting } : null,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    // The kernel's own high-water mark: exact, where sampling rss() 20 times a second cost the
    // engine's thread ~0.2 s over 36 photos (its CPU profile) and could still miss a short peak.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    firstInImmichMs,
    loop: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6, worstWindowP99: Math.max(...windows) },
    rssAt,
    rssMedianAt: Object.fromEntries(checkpoints.map((n) => [String(n), medianAround(rssByUpload, n)])),
    stages: report.stages,
    idleCpuMs: report.idleCpuMs,
    focus,
  })}\n`,
);
