import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { siblingWorker } from './worker-url.ts';

describe('siblingWorker', () => {
  it('keeps the calling module’s extension: .ts from the sources, .js from the build', () => {
    expect(siblingWorker('hash-worker', 'file:///app/src-main/engine/ingest/hash-file.ts').href).toBe('file:///app/src-main/engine/ingest/hash-worker.ts');
    expect(siblingWorker('hash-worker', 'file:///app/dist/src-main/engine/ingest/hash-file.js').href).toBe('file:///app/dist/src-main/engine/ingest/hash-worker.js');
    expect(siblingWorker('objects/tfjs-worker', 'file:///app/dist/a/onnx-pool.js').href).toBe('file:///app/dist/a/objects/tfjs-worker.js');
  });

  it('names worker files that exist next to their pools', () => {
    for (const [name, from] of [
      ['hash-worker', '../ingest/hash-file.ts'],
      ['heic-worker', '../media/heic-decoder.ts'],
      ['tone-worker', '../render/pipeline/tone-split.ts'],
      ['onnx-worker', '../analysis/onnx-pool.ts'],
      ['objects/tfjs-worker', '../analysis/onnx-pool.ts'],
      ['pixel-math-worker', '../analysis/pixel-math-pool.ts'],
      ['render-worker', '../render/render-threads.ts'],
    ] as const) {
      expect(existsSync(fileURLToPath(siblingWorker(name, new URL(from, import.meta.url).href))), name).toBe(true);
    }
  });
});
