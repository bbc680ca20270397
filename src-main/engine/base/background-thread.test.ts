import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

describe.skipIf(process.platform !== 'linux')('lowerThreadPriority', () => {
  it('lowers only the calling thread, on Linux', async () => {
    const module = new URL('./background-thread.ts', import.meta.url).href;
    const worker = new Worker(
      `import(${JSON.stringify(module)}).then((m) => {
        const os = require('node:os');
        const before = os.getPriority(0);
        m.lowerThreadPriority();
        require('node:worker_threads').parentPort.postMessage({ before, after: os.getPriority(0) });
      });`,
      { eval: true },
    );
    const seen = await new Promise<{ before: number; after: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(seen.after).toBe(Math.min(19, seen.before + 10));
    // The engine's own thread keeps its priority.
    expect(os.getPriority(0)).toBe(seen.before);
  });
});
