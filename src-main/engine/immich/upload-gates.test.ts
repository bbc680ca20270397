import { describe, expect, it } from 'vitest';
import { Gate, GateClosedError } from './upload-gates.ts';

const reason = { code: 'immich-auth' as const, message: 'key refused' };

describe('upload Gate', () => {
  it('lets jobs through when open, holds them while closed, releases all on open, and reports changes', async () => {
    let changes = 0;
    const gate = new Gate(() => (changes += 1));
    await gate.pass();
    gate.close(reason);
    gate.close(reason); // same reason again: no second change event
    expect(changes).toBe(1);
    expect(gate.reason).toEqual(reason);
    const passed: number[] = [];
    const waiting = [1, 2, 3].map((n) => gate.pass().then(() => passed.push(n)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(passed).toEqual([]);
    expect(gate.waiting).toBe(3);
    gate.open();
    await Promise.all(waiting);
    expect(passed.sort()).toEqual([1, 2, 3]);
    expect(changes).toBe(2);
    expect(gate.reason).toBeNull();
  });

  it('an aborted job stops waiting with its signal reason; dispose rejects the rest and later callers', async () => {
    const gate = new Gate();
    gate.close(reason);
    const controller = new AbortController();
    const aborted = gate.pass(controller.signal);
    const other = gate.pass();
    controller.abort(new Error('lease lost'));
    await expect(aborted).rejects.toThrow('lease lost');
    expect(gate.waiting).toBe(1);
    gate.dispose();
    await expect(other).rejects.toBeInstanceOf(GateClosedError);
    await expect(gate.pass()).rejects.toBeInstanceOf(GateClosedError);
  });
});
