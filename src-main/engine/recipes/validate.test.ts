import { describe, expect, it } from 'vitest';
import { parsePreset, parseRecipe } from './validate.ts';
import { RecipeError } from './recipe-error.ts';
import { opRegistry } from './registry.ts';

const sha = 'ab'.repeat(32);
const step = (op: string, v: number, params: unknown, extra: Record<string, unknown> = {}) => ({ op, v, enabled: true, params, source: 'user', ...extra });
const recipe = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ schema: 1, original: { sha256: sha }, steps, end: steps.length, ...extra });

function problemsOf(json: unknown): RecipeError {
  try {
    parseRecipe(json);
  } catch (e) {
    if (e instanceof RecipeError) return e;
    throw e;
  }
  throw new Error('parseRecipe accepted a bad recipe');
}

describe('parseRecipe', () => {
  it('accepts a current recipe and keeps its params', () => {
    const r = parseRecipe(recipe([
      step('crop', 2, { x: 0.1, y: 0.2, w: 0.5, h: 0.6, angle: -3 }, { source: 'ai:subject-crop@1', confidence: 0.83, needsReview: true }),
      step('exposure', 2, { ev: 1.5 }),
    ]));
    expect(r.steps).toHaveLength(2);
    expect(r.steps[0]).toMatchObject({ op: 'crop', v: 2, source: 'ai:subject-crop@1', confidence: 0.83, params: { x: 0.1, y: 0.2, w: 0.5, h: 0.6, angle: -3 } });
  });

  it('migrates crop v1 (preview pixels + rotation ordinal) to fractions of the oriented original', () => {
    // Preview 200x100 = a 100x200 (portrait) oriented original turned once clockwise, so the
    // original's bottom half is the preview's left half.
    const r = parseRecipe(recipe([step('crop', 1, { left: 0, top: 0, width: 100, height: 100, previewWidth: 200, previewHeight: 100, rotation: 1 })]));
    expect(r.steps[0]!.v).toBe(2);
    const p = r.steps[0]!.params as Record<string, number>;
    expect(p).toEqual({ x: 0, y: 0.5, w: 1, h: 0.5, angle: 0 });
    const none = parseRecipe(recipe([step('crop', 1, { left: 20, top: 10, width: 100, height: 50, previewWidth: 200, previewHeight: 100, rotation: 0 })]));
    expect(none.steps[0]!.params).toEqual({ x: 0.1, y: 0.1, w: 0.5, h: 0.5, angle: 0 });
  });

  it('migrates exposure v1 (thirds of a stop) to v2 (ev)', () => {
    const r = parseRecipe(recipe([step('exposure', 1, { thirds: -4 })]));
    expect(r.steps[0]!.v).toBe(2);
    expect((r.steps[0]!.params as { ev: number }).ev).toBeCloseTo(-4 / 3, 12);
  });

  it('every registered op has a schema per version and a migration per step', () => {
    for (const mod of opRegistry.values()) {
      for (let v = 1; v <= mod.version; v++) expect(mod.schemas[v], `${mod.op} v${v}`).toBeDefined();
      for (let v = 1; v < mod.version; v++) expect(mod.migrate[v], `${mod.op} v${v}->v${v + 1}`).toBeTypeOf('function');
    }
    expect(opRegistry.get('crop')!.version).toBeGreaterThan(1);
    expect(opRegistry.get('exposure')!.version).toBeGreaterThan(1);
  });

  it('says a future schema was made by a newer Lightbox', () => {
    const e = problemsOf({ ...recipe([]), schema: 2 });
    expect(e.code).toBe('recipe-too-new');
    expect(e.message).toMatch(/newer Lightbox/);
    expect(e.problems).toEqual([{ path: 'schema', message: expect.stringContaining('schema 2') }]);
  });

  it('lists every problem with its path', () => {
    const e = problemsOf(recipe([
      step('crop', 2, { x: 0.6, y: 0, w: 0.6, h: 1.2, angle: 50 }),
      step('posterize', 1, {}),
      step('exposure', 3, { ev: 1 }),
      step('saturation', 1, { amount: 150 }),
      step('rotate', 1, { turn: 1, flipH: false, flipV: false }),
    ]));
    expect(e.code).toBe('invalid-recipe');
    const paths = e.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      'steps[0].params.h', 'steps[0].params.angle', 'steps[0].params.w',
      'steps[1].op', 'steps[2].v', 'steps[3].params.amount', 'steps[4].params.turn',
    ]));
    expect(e.problems.find((p) => p.path === 'steps[0].params.w')!.message).toMatch(/right edge.*1\.2/);
    expect(e.problems.find((p) => p.path === 'steps[1].op')!.message).toMatch(/unknown op "posterize"/);
    expect(e.problems.find((p) => p.path === 'steps[2].v')!.message).toMatch(/newer Lightbox.*up to v2/);
    expect(e.message).toContain('steps[3].params.amount');
  });

  it('rejects a bad envelope and still checks the steps', () => {
    const e = problemsOf({ schema: 1, original: { sha256: 'nope' }, steps: [step('contrast', 1, { amount: 101 })], end: 5 });
    const paths = e.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['original.sha256', 'end', 'steps[0].params.amount']));
  });

  it('refuses a crop past the bottom edge and a legacy crop past its preview', () => {
    expect(problemsOf(recipe([step('crop', 2, { x: 0, y: 0.5, w: 1, h: 0.6, angle: 0 })])).problems[0]!.path).toBe('steps[0].params.h');
    expect(problemsOf(recipe([step('crop', 1, { left: 150, top: 0, width: 100, height: 10, previewWidth: 200, previewHeight: 100, rotation: 0 })])).problems[0]!.path).toBe('steps[0].params.width');
  });

  it('refuses an ordinal where a string enum is expected, and a bad source', () => {
    const e = problemsOf(recipe([step('output', 1, { format: 0, quality: 90, tiffBitDepth: 8, colourSpace: 'srgb' }, { source: 'robot' })]));
    expect(e.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['steps[0].source']));
  });
});

describe('parsePreset', () => {
  it('parses and migrates a preset (a recipe without an original)', () => {
    const p = parsePreset({ id: 'warm-look', name: 'Warm look', createdAt: '2024-05-01T10:00:00Z', steps: [step('exposure', 1, { thirds: 3 }), step('white-balance', 1, { temperature: 30, tint: 0 })] });
    expect(p.steps[0]).toMatchObject({ op: 'exposure', v: 2, params: { ev: 1 } });
  });
});
