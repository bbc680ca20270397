import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { loadCatalogue } from './catalogue.ts';

const entry = (id: string, version: string) => ({
  id, version, task: 'embedding', title: id, licence: 'MIT', licenceUrl: 'http://127.0.0.1/licence', home: 'http://127.0.0.1/',
  files: [{ name: 'model.onnx', url: 'http://127.0.0.1/model.onnx', bytes: 1, sha256: null }],
});

describe('loadCatalogue: read once, again only when the file changes', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  const file = () => path.join(dir.path, 'manifest.json');
  beforeAll(async () => {
    dir = await tempDir('lightbox-catalogue-');
  });
  afterAll(async () => dir.cleanup());

  it('answers from what it read while the file is the same, and reads a changed file again', async () => {
    await writeFile(file(), JSON.stringify({ schema: 1, models: [], downloads: [entry('clip-a', '1')] }));
    const first = loadCatalogue(dir.path);
    expect(first.map((e) => e.id)).toEqual(['clip-a']);
    expect(loadCatalogue(dir.path)).toBe(first);
    // Same length, other content: a size check alone would miss it.
    await writeFile(file(), JSON.stringify({ schema: 1, models: [], downloads: [entry('clip-b', '2')] }));
    expect(loadCatalogue(dir.path).map((e) => [e.id, e.version])).toEqual([['clip-b', '2']]);
  });

  it('still says why when the file is gone', async () => {
    await rm(file());
    expect(() => loadCatalogue(dir.path)).toThrow(/could not be read/);
  });
});
