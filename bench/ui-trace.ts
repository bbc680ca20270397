// Where a scroll's frame time goes, from a Chromium trace: self time per thread, bucketed the way
// DevTools' summary does (script, style, layout, paint, commit, image decode, raster, GC), so a
// slow frame can be pinned on our code, on the browser's rendering pipeline, or on raster.

/** The trace categories DevTools records for a performance panel run, plus cc for raster and frames. */
export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'toplevel',
  'v8.execute',
  'blink.user_timing',
  'disabled-by-default-v8.gc',
  'cc',
  'benchmark',
];

type TraceEvent = { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; args?: { name?: string } };

const BUCKETS: Array<[bucket: string, test: RegExp]> = [
  ['gc', /GC|Scavenge|Sweep|Mark(ing)?\b|BlinkGC|V8\.GC/],
  ['script', /^(FunctionCall|EvaluateScript|v8\.|V8\.|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|v8\.callFunction|v8\.run|ParseHTML)/],
  ['style', /^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|ScheduleStyleRecalculation)/],
  ['layout', /^(Layout|UpdateLayout|IntersectionObserverController)/],
  ['paint', /^(Paint|PrePaint|Layerize|UpdateLayer|CompositeLayers|PaintImage|Animation)/],
  ['commit', /(Commit|BeginMainThreadFrame|BeginMainFrame)/],
  ['image decode', /(Decode|ImageDecode|ResizeImage)/],
  ['raster', /(Raster|TileManager|PlaybackImage|GenerateMasks)/],
  ['draw/present', /(DrawFrame|Display::|SwapBuffers|Draw|SubmitCompositorFrame|SkiaOutputSurface|ReceiveCompositorFrame)/],
];

function bucketOf(name: string): string {
  for (const [bucket, test] of BUCKETS) if (test.test(name)) return bucket;
  return 'other';
}

export type ThreadBreakdown = {
  process: string;
  thread: string;
  /** Time the thread was running a task (sum of outermost slices), ms. */
  busyMs: number;
  buckets: Record<string, number>;
  top: Array<{ name: string; selfMs: number; count: number }>;
};

export type TraceSummary = { spanMs: number; threads: ThreadBreakdown[]; counts: Record<string, number> };

/** Events that mark produced frames, counted so a breakdown can be divided per frame. */
const COUNTED = ['BeginMainThreadFrame', 'DrawFrame', 'Commit', 'ActivateLayerTree', 'NeedsBeginFrameChanged', 'DroppedFrame', 'Screenshot'];

/**
 * Self time per event name on each thread (a slice's duration minus the slices nested inside it),
 * for threads that were busy at least `minBusyMs`.
 */
export function summariseTrace(json: string, minBusyMs = 20): TraceSummary {
  const parsed = JSON.parse(json) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const processNames = new Map<number, string>();
  const threadNames = new Map<string, string>();
  const slices = new Map<string, Array<{ name: string; start: number; end: number }>>();
  const open = new Map<string, Array<{ name: string; start: number }>>();
  const counts: Record<string, number> = {};
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const event of events) {
    const key = `${event.pid}:${event.tid}`;
    if (event.ph === 'M') {
      if (event.name === 'process_name') processNames.set(event.pid, event.args?.name ?? '');
      if (event.name === 'thread_name') threadNames.set(key, event.args?.name ?? '');
      continue;
    }
    if (COUNTED.includes(event.name) && (event.ph === 'X' || event.ph === 'B' || event.ph === 'I' || event.ph === 'i' || event.ph === 'n')) counts[event.name] = (counts[event.name] ?? 0) + 1;
    if (event.ts > 0) {
      first = Math.min(first, event.ts);
      last = Math.max(last, event.ts + (event.dur ?? 0));
    }
    if (event.ph === 'X' && event.dur !== undefined) {
      const list = slices.get(key) ?? [];
      list.push({ name: event.name, start: event.ts, end: event.ts + event.dur });
      slices.set(key, list);
    } else if (event.ph === 'B') {
      const stack = open.get(key) ?? [];
      stack.push({ name: event.name, start: event.ts });
      open.set(key, stack);
    } else if (event.ph === 'E') {
      const begun = open.get(key)?.pop();
      if (!begun) continue;
      const list = slices.get(key) ?? [];
      list.push({ name: begun.name, start: begun.start, end: event.ts });
      slices.set(key, list);
    }
  }

  const threads: ThreadBreakdown[] = [];
  for (const [key, list] of slices) {
    // Outer slices first at equal start, so nesting is a simple stack walk.
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    const self = new Map<string, { selfMs: number; count: number }>();
    const stack: Array<{ name: string; end: number; child: number; dur: number }> = [];
    let busy = 0;
    const close = (slice: { name: string; child: number; dur: number }) => {
      const entry = self.get(slice.name) ?? { selfMs: 0, count: 0 };
      entry.selfMs += Math.max(0, slice.dur - slice.child) / 1000;
      entry.count += 1;
      self.set(slice.name, entry);
    };
    for (const slice of list) {
      while (stack.length && stack[stack.length - 1]!.end <= slice.start) close(stack.pop()!);
      const dur = slice.end - slice.start;
      const parent = stack[stack.length - 1];
      if (parent) parent.child += Math.min(dur, parent.end - slice.start);
      else busy += dur;
      stack.push({ name: slice.name, end: slice.end, child: 0, dur });
    }
    while (stack.length) close(stack.pop()!);
    const busyMs = busy / 1000;
    if (busyMs < minBusyMs) continue;
    const buckets: Record<string, number> = {};
    for (const [name, { selfMs }] of self) {
      const bucket = bucketOf(name);
      buckets[bucket] = (buckets[bucket] ?? 0) + selfMs;
    }
    const [pid] = key.split(':');
    threads.push({
      process: processNames.get(Number(pid)) ?? `pid ${pid}`,
      thread: threadNames.get(key) ?? key,
      busyMs,
      buckets,
      top: [...self].map(([name, v]) => ({ name, ...v })).sort((a, b) => b.selfMs - a.selfMs).slice(0, 12),
    });
  }
  threads.sort((a, b) => b.busyMs - a.busyMs);
  return { spanMs: (last - first) / 1000, threads, counts };
}

/** A readable report: per thread, busy time per frame and its split into buckets. */
export function formatTraceSummary(summary: TraceSummary, frames: number): string {
  const lines = [`trace span ${summary.spanMs.toFixed(0)} ms over ${frames} frames; events: ${JSON.stringify(summary.counts)}`];
  for (const t of summary.threads) {
    const buckets = Object.entries(t.buckets)
      .filter(([, ms]) => ms >= 1)
      .sort((a, b) => b[1] - a[1])
      .map(([bucket, ms]) => `${bucket} ${(ms / frames).toFixed(2)}`)
      .join(', ');
    lines.push(`${t.process} / ${t.thread}: busy ${t.busyMs.toFixed(0)} ms = ${(t.busyMs / frames).toFixed(2)} ms/frame (${buckets})`);
    lines.push(`    top self: ${t.top.map((e) => `${e.name} ${(e.selfMs / frames).toFixed(2)}`).join(', ')}`);
  }
  return lines.join('\n');
}
