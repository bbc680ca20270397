import os from 'node:os';

/**
 * glibc malloc settings for Lightbox's own processes on Linux. glibc reads them once, when a
 * process starts, so whoever starts one sets them: `npm start`, the `lightbox` command (it
 * re-executes itself with them), the benchmarks.
 *
 * Why: a worker thread that meets a locked arena gets an arena of its own (up to 8 per core), and
 * sharp's image buffers freed in one were kept there as free pages; and glibc raises its mmap
 * threshold each time a big mapped buffer is freed, so later image buffers came from the arenas.
 * bench/pipeline (36 camera JPEGs, 2 cores, `--glibc-malloc` against ours, alternated, load
 * 1.2-1.4): glibc's defaults peaked at 1098-1147 MB with an event-loop p99 of 42-45 ms; a few
 * arenas and a fixed 4 MB threshold at 917-919 MB, p99 48-49 ms, the same CPU. A 256 KB threshold
 * got 833-841 MB, but mapping every mid-sized buffer afresh cost p99 51-54 ms and ~1 CPU-s.
 * A setting the user made is kept.
 */
export function mallocEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (process.platform !== 'linux') return env;
  return {
    MALLOC_ARENA_MAX: String(Math.max(2, os.availableParallelism())),
    MALLOC_MMAP_THRESHOLD_: String(4 * 1024 * 1024),
    ...env,
  };
}

/** Whether this process started without our malloc settings (and should re-execute itself with them). */
export function lacksMallocEnv(env: NodeJS.ProcessEnv): boolean {
  return process.platform === 'linux' && env.MALLOC_ARENA_MAX === undefined && env.MALLOC_MMAP_THRESHOLD_ === undefined;
}
