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
