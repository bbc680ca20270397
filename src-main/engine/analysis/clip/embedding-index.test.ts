import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { openLibrary, type Library } from '../../library/index.ts';
import { embeddingToBase64 } from './clip-preprocess.ts';
import { EmbeddingIndex } from './embedding-index.ts';

const sha = (n: number) => n.toString(16).padStart(64, '0');
const unit = (...v: number[]) => new Float32Array(v.map((x) => x / Math.hypot(...v)));

let dir: Awaited<ReturnType<typeof tempDir>>;
let lib: Library;
let index: EmbeddingIndex;
let decoded: number;
beforeEach(async () => {
  dir = await tempDir();
  lib = openLibrary(path.join(dir.path, 'lightbox.db'));
  decoded = 0;
  index = new EmbeddingIndex(lib.analysis, 'clip', (result) => {
    decoded += 1;
    return result as { vector: string };
  });
});
afterEach(async () => {
  lib.close();
  await dir.cleanup();
});

function photo(n: number): number {
  return lib.photos.insert({ folderId: null, sha256: sha(n), sha1: null, fileName: `${n}.jpg`, sourcePath: `/hot/${n}.jpg`, bytes: 1, originalPath: null, error: null, captureDate: null });
}
function embed(n: number, v: Float32Array | null) {
  lib.analysis.put({ sha256: sha(n), task: 'embedding', model: 'clip', version: '1', provider: 'local', status: v ? 'completed' : 'failed', result: v ? { dim: v.length, vector: embeddingToBase64(v) } : null, error: v ? null : { code: 'job-failed', message: 'x' } });
}
const ranking = async (q: Float32Array) => (await index.rank(q)).map((r) => r.item);

describe('the embedding index behind search by meaning', () => {
  it('decodes each stored embedding once, then only what was added or renewed', async () => {
    const [a, b, c] = [photo(1), photo(2), photo(3)];
    embed(1, unit(1, 0));
    await new Promise((resolve) => setTimeout(resolve, 5));
    embed(2, unit(0, 1));
    expect(await ranking(unit(1, 0.05))).toEqual([a, b]);
    expect(decoded).toBe(2);
    expect(await ranking(unit(1, 0.05))).toEqual([a, b]);
    expect(decoded).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, 5));
    embed(3, unit(1, 0.2));
    expect(await ranking(unit(1, 0.05))).toEqual([a, c, b]);
    // Photo 3, and photo 2 again (it holds the newest time seen: ties are read again), not photo 1.
    expect(decoded).toBe(4);

    // A renewed embedding (a newer model version) replaces the old one.
    await new Promise((resolve) => setTimeout(resolve, 5));
    embed(2, unit(1, 0.15));
    expect((await ranking(unit(1, 0.05)))[1]).toBe(b);

    // A rerun that failed: the photo leaves the ranking.
    embed(1, null);
    expect(await ranking(unit(1, 0.05))).toEqual([b, c]);
  });

  it('leaves out vectors of another size (another model) and photos without an embedding', async () => {
    const a = photo(1);
    photo(2);
    photo(3);
    embed(1, unit(1, 0));
    embed(3, unit(1, 0, 0));
    expect(await ranking(unit(1, 0))).toEqual([a]);
  });
});
