import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding Lightbox's package.json. Found by walking up, because the same module runs
 * from the sources (src-main/engine), from tsc's output (dist/src-main/engine) and from a packaged app.
 */
export const projectRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'lightbox') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Lightbox package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
})();
