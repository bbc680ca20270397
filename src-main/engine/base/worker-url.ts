import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The URL of a worker module next to `from` (pass import.meta.url), with `from`'s own extension:
 * `.ts` when Node runs the sources, `.js` in tsc's output (the packaged app), where a literal
 * './x-worker.ts' would name a file that does not exist.
 */
export function siblingWorker(name: string, from: string): URL {
  return new URL(`./${name}${path.extname(fileURLToPath(from))}`, from);
}

/**
 * V8 limits for our helper threads: a young generation of 8 MB instead of V8's default. A busy
 * thread otherwise grows it to the default and keeps it; on bench/pipeline the two tone helpers
 * held 33 MB of heap each with 15-19 MB live, 21-26 MB with this. The threads allocate
 * short-lived arrays steadily, so a smaller young generation only means shorter scavenges.
 */
export const LEAN_THREAD = { resourceLimits: { maxYoungGenerationSizeMb: 8 } } as const;
