import type { RecipeStep, RecipeStepInput } from '../contract.ts';

/**
 * The renderer's own description of the engine's ops (it may not import engine code): the params
 * version it writes and the sliders that edit each number. Ranges mirror the ops' zod schemas; the
 * engine validates every stored recipe anyway, so a drift here shows up as a readable API error.
 */
export type Slider = { key: string; label: string; min: number; max: number; step: number; unit?: string };
export type OpSpec = { op: string; label: string; v: number; defaults: Record<string, unknown>; sliders: Slider[] };

const amount = (label = 'Amount'): Slider => ({ key: 'amount', label, min: -100, max: 100, step: 1 });

export const OPS: readonly OpSpec[] = [
  { op: 'exposure', label: 'Exposure', v: 2, defaults: { ev: 0 }, sliders: [{ key: 'ev', label: 'Exposure', min: -5, max: 5, step: 0.05, unit: 'EV' }] },
  { op: 'contrast', label: 'Contrast', v: 1, defaults: { amount: 0 }, sliders: [amount('Contrast')] },
  {
    op: 'highlights-shadows',
    label: 'Highlights & shadows',
    v: 1,
    defaults: { highlights: 0, shadows: 0 },
    sliders: [
      { key: 'highlights', label: 'Highlights', min: -100, max: 100, step: 1 },
      { key: 'shadows', label: 'Shadows', min: -100, max: 100, step: 1 },
    ],
  },
  {
    op: 'white-balance',
    label: 'White balance',
    v: 1,
    defaults: { temperature: 0, tint: 0 },
    sliders: [
      { key: 'temperature', label: 'Temperature', min: -100, max: 100, step: 1 },
      { key: 'tint', label: 'Tint', min: -100, max: 100, step: 1 },
    ],
  },
  { op: 'saturation', label: 'Saturation', v: 1, defaults: { amount: 0 }, sliders: [amount('Saturation')] },
  { op: 'vibrance', label: 'Vibrance', v: 1, defaults: { amount: 0 }, sliders: [amount('Vibrance')] },
  {
    op: 'sharpen',
    label: 'Sharpen',
    v: 1,
    defaults: { amount: 50, radius: 1 },
    sliders: [
      { key: 'amount', label: 'Amount', min: 0, max: 100, step: 1 },
      { key: 'radius', label: 'Radius', min: 0.3, max: 5, step: 0.1, unit: 'px' },
    ],
  },
  { op: 'crop', label: 'Crop', v: 2, defaults: { x: 0, y: 0, w: 1, h: 1, angle: 0 }, sliders: [{ key: 'angle', label: 'Straighten', min: -45, max: 45, step: 0.1, unit: '°' }] },
];

const BY_OP = new Map(OPS.map((spec) => [spec.op, spec]));

/** Ops the panel can add (crop is made in crop mode; rotate, resize, watermark, output come from presets). */
export const ADDABLE = OPS.filter((spec) => spec.op !== 'crop');

export function opSpec(op: string): OpSpec | undefined {
  return BY_OP.get(op);
}

export function opLabel(op: string): string {
  return BY_OP.get(op)?.label ?? op.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function newUserStep(spec: OpSpec): RecipeStepInput {
  return { op: spec.op, v: spec.v, enabled: true, params: { ...spec.defaults }, source: 'user' };
}

/** A numeric param, or the op's default when the stored step is of an older shape the UI does not know. */
export function paramValue(step: RecipeStep | RecipeStepInput, key: string): number {
  const params = step.params as Record<string, unknown> | null;
  const value = params?.[key];
  if (typeof value === 'number') return value;
  const fallback = BY_OP.get(step.op)?.defaults[key];
  return typeof fallback === 'number' ? fallback : 0;
}

/** Sliders only edit steps written at the version the table knows; older ones are migrated on save by the engine. */
export function isEditable(step: RecipeStep | RecipeStepInput): boolean {
  const spec = BY_OP.get(step.op);
  return spec !== undefined && spec.v === step.v;
}

export type SourceKind = 'user' | 'preset' | 'ai';
export function sourceKind(source: string): SourceKind {
  return source.startsWith('ai:') ? 'ai' : source.startsWith('preset:') ? 'preset' : 'user';
}
