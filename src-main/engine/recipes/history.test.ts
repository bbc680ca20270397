import { describe, expect, it } from 'vitest';
import { activeSteps, addStep, canRedo, canUndo, redo, undo, updateStep } from './history.ts';
import { newRecipe, newStep } from './create.ts';

const base = newRecipe('cd'.repeat(32));
const ev = (n: number) => newStep('exposure', { ev: n });

describe('recipe history', () => {
  it('undo and redo move the end pointer and never lose steps', () => {
    let r = addStep(addStep(addStep(base, ev(1)), ev(2)), ev(3));
    expect(r.end).toBe(3);
    r = undo(undo(r));
    expect(r.end).toBe(1);
    expect(r.steps).toHaveLength(3);
    expect(activeSteps(r).map((s) => (s.params as { ev: number }).ev)).toEqual([1]);
    expect(canRedo(r)).toBe(true);
    r = redo(r);
    expect(activeSteps(r).map((s) => (s.params as { ev: number }).ev)).toEqual([1, 2]);
    expect(undo(undo(undo(undo(r)))).end).toBe(0);
    expect(canUndo(undo(undo(r)))).toBe(false);
    expect(redo(redo(redo(r))).end).toBe(3);
  });

  it('a new step after an undo truncates the redo tail (darktable history_end)', () => {
    let r = addStep(addStep(addStep(base, ev(1)), ev(2)), ev(3));
    r = addStep(undo(undo(r)), newStep('contrast', { amount: 20 }));
    expect(r.steps.map((s) => s.op)).toEqual(['exposure', 'contrast']);
    expect(r.end).toBe(2);
    expect(canRedo(r)).toBe(false);
  });

  it('updateStep edits an active step, drops the redo tail and is pure', () => {
    const before = addStep(addStep(base, ev(1)), ev(2));
    const undone = undo(before);
    const after = updateStep(undone, 0, { enabled: false });
    expect(after.steps).toHaveLength(1);
    expect(after.steps[0]!.enabled).toBe(false);
    expect(activeSteps(after)).toEqual([]);
    expect(before.steps[0]!.enabled).toBe(true);
    expect(() => updateStep(undone, 1, { enabled: false })).toThrow(/not active/);
  });
});
