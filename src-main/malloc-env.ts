import os from 'node:os';

/**
 * glibc malloc settings for Lightbox's own processes on Linux. glibc reads them once, when a
 * process starts, so whoever starts one sets them: `npm start`, the `lightbox` command (it
 * re-executes itself with them), the benchmarks.
 *
 * Why: a worker thread that meets a locked arena gets an arena of its own (up to 8 per core), and
 * sharp's image buffers freed in one were kept there as free pages. On bench/pipeline (36 camera
 * JPEGs, 2 cores) the process peaked at 1180-1220 MB with glibc's defaults and at 920-940 MB with
 * these, for the same CPU time: a few arenas, and buffers over 256 KB mapped on their own so
 * freeing one gives its memory back at once. A setting the user made is kept.
 */
export function mallocEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (process.platform !== 'linux') return env;
  return {
    MALLOC_ARENA_MAX: String(Math.max(2, os.availableParallelism())),
    MALLOC_MMAP_THRESHOLD_: String(256 * 1024),
    ...env,
  };
}

/** Whether this process started without our malloc settings (and should re-execute itself with them). */
export function lacksMallocEnv(env: NodeJS.ProcessEnv): boolean {
  return process.platform === 'linux' && env.MALLOC_ARENA_MAX === undefined && env.MALLOC_MMAP_THRESHOLD_ === undefined;
}
