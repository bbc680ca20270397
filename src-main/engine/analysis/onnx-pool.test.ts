import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePool, getPool, inferencePriority, OnnxPool, runModel } from './onnx-pool.ts';
import { requireWeights } from './test-weights.ts';

const FACE = 'blazeface-back-256';
const OUTPUTS = ['Identity:0', 'Identity_1:0', 'Identity_2:0', 'Identity_3:0'];

/** A deterministic, non-constant input so two runs are comparable and not trivially equal to zeros. */
function feeds() {
  const data = new Float32Array(256 * 256 * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001) * 0.8;
  return { 'input:0': { data, dims: [1, 256, 256, 3] } };
}

describe('onnx worker pool', () => {
  beforeAll(() => requireWeights(FACE));
  afterAll(() => closePool());

  it('runs two concurrent requests on one model, both with full, identical outputs', async () => {
    const a = feeds();
    const [r1, r2] = await Promise.all([runModel(FACE, a, OUTPUTS), runModel(FACE, feeds(), OUTPUTS)]);
    // The input buffer was transferred to the worker, not copied.
    expect(a['input:0'].data.length).toBe(0);
    for (const r of [r1, r2]) {
      expect(r['Identity:0']!.dims).toEqual([1, 512, 1]);
      expect(r['Identity_3:0']!.dims).toEqual([1, 384, 16]);
      expect(r['Identity_2:0']!.data.length).toBe(512 * 16);
      expect(r['Identity:0']!.data.every(Number.isFinite)).toBe(true);
    }
    expect(Array.from(r1['Identity:0']!.data)).toEqual(Array.from(r2['Identity:0']!.data));
    expect(new Set(r1['Identity:0']!.data).size).toBeGreaterThan(100);
    expect(getPool().stats(FACE)?.runs).toBe(2);
  });

  it('runs an urgent request before the ones already waiting for the same model', async () => {
    const pool = new OnnxPool();
    try {
      const order: string[] = [];
      const run = (name: string, priority: number) =>
        inferencePriority.run(priority, () => pool.run(FACE, feeds(), ['Identity:0'])).then(() => void order.push(name));
      // The first goes to the worker at once; the others wait, and the urgent one overtakes them.
      await Promise.all([run('first', 0), run('second', 0), run('third', 0), run('urgent', 2000)]);
      expect(order).toEqual(['first', 'urgent', 'second', 'third']);
    } finally {
      await pool.close();
    }
  });

  it('closePool ends the worker, and the next request starts a fresh one', async () => {
    await runModel(FACE, feeds(), ['Identity:0']);
    const [worker] = getPool().activeWorkers();
    expect(worker).toBeDefined();
    const exited = once(worker!, 'exit');
    await closePool();
    await exited;
    expect(worker!.threadId).toBe(-1);
    const again = await runModel(FACE, feeds(), ['Identity:0']);
    expect(again['Identity:0']!.data.length).toBe(512);
    expect(getPool().activeWorkers()[0]).not.toBe(worker);
  });

  it('rejects an unknown output name with an inference error, and the worker keeps serving', async () => {
    const pool = new OnnxPool();
    try {
      await expect(pool.run(FACE, feeds(), ['no-such-output'])).rejects.toMatchObject({ code: 'job-failed' });
      const ok = await pool.run(FACE, feeds(), ['Identity_1:0']);
      expect(ok['Identity_1:0']!.dims).toEqual([1, 384, 1]);
    } finally {
      await pool.close();
    }
  });

  it('a request that comes as an idle worker is being ended goes to a new worker, not the ending one', async () => {
    const pool = new OnnxPool({ idleMs: 50 });
    try {
      await pool.run(FACE, feeds(), ['Identity:0']);
      const [first] = pool.activeWorkers();
      // Scheduled after the worker's idle timer, for the same moment: it runs right after the
      // timer ended the worker, before the worker's exit is reported.
      const again = await new Promise<Awaited<ReturnType<OnnxPool['run']>>>((resolve, reject) => {
        setTimeout(() => void pool.run(FACE, feeds(), ['Identity:0']).then(resolve, reject), 50);
      });
      expect(again['Identity:0']!.data.length).toBe(512);
      expect(pool.activeWorkers()[0]).not.toBe(first);
    } finally {
      await pool.close();
    }
  });

  it('releases an idle worker after idleMs', async () => {
    const pool = new OnnxPool({ idleMs: 50 });
    try {
      await pool.run(FACE, feeds(), ['Identity:0']);
      const [worker] = pool.activeWorkers();
      await once(worker!, 'exit');
      expect(pool.activeWorkers()).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});
