import { afterAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { OnnxPool } from '../onnx-pool.ts';
import { linearFromTorchZip, linearHeadOnnx } from './aesthetic-head.ts';

const SPEC = { input: 'image_embeds', output: 'score', dim: 512 };

/** A zip laid out like torch.save's: stored (uncompressed) entries, then the central directory. */
function storedZip(entries: Array<[string, Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(n.length, 28);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    central.push(cd, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const weights = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i) / 10);
const f32 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('aesthetic head', () => {
  const pool = new OnnxPool();
  let dir: Awaited<ReturnType<typeof tempDir>> | null = null;
  afterAll(async () => {
    await pool.close();
    await dir?.cleanup();
  });

  it('the linear head graph computes x . W + b in onnxruntime', async () => {
    dir = await tempDir();
    const file = path.join(dir.path, 'head.onnx');
    await writeFile(file, linearHeadOnnx(SPEC, weights, 5.25));
    const x = Float32Array.from({ length: 512 }, (_, i) => ((i % 7) - 3) / 40);
    const expected = 5.25 + x.reduce((s, v, i) => s + v * weights[i]!, 0);
    const out = await pool.runFile('head', file, { image_embeds: { data: new Float32Array(x), dims: [1, 512] } }, ['score']);
    expect(out.score!.dims).toEqual([1, 1]);
    expect(out.score!.data[0]).toBeCloseTo(expected, 4);
  });

  it('reads weight and bias from a torch.save-style zip by storage size, and refuses anything else', () => {
    const zip = storedZip([
      ['archive/data.pkl', Buffer.from('pickle bytes are not read')],
      ['archive/data/1', f32(Float32Array.of(4.5))],
      ['archive/data/0', f32(weights)],
      ['archive/version', Buffer.from('3\n')],
    ]);
    const head = linearFromTorchZip(zip, 512);
    expect(head.bias).toBe(4.5);
    expect(Array.from(head.weights)).toEqual(Array.from(weights));
    expect(() => linearFromTorchZip(zip, 768)).toThrow(/expected one 768-value weight/);
    expect(() => linearFromTorchZip(Buffer.from('not a zip'), 512)).toThrow(/not a zip/);
  });
});
