import type { RecipeStep, RecipeStepInput } from '../contract.ts';

/**
 * The renderer's own description of the engine's ops (it may not import engine code): the params
 * version it writes and the sliders that edit each number. Ranges mirror the ops' zod schemas; the
 * engine validates every stored recipe anyway, so a drift here shows up as a readable API error.
 */
type Params = Record<string, unknown>;
type Shown = { when?: (params: Params) => boolean };
export type Slider = Shown & { kind: 'range'; key: string; label: string; min: number; max: number; step: number; unit?: string };
export type Control =
  | Slider
  | (Shown & { kind: 'choice'; key: string; label: string; options: ReadonlyArray<{ value: string | number; label: string }> })
  | (Shown & { kind: 'toggle'; key: string; label: string })
  | (Shown & { kind: 'text'; key: string; label: string; maxLength: number })
  | (Shown & { kind: 'colour'; key: string; label: string })
  /** Whole pixels 1..65535; `optional` ones may be left empty (resize to a width OR a height). */
  | (Shown & { kind: 'pixels'; key: string; label: string; optional?: boolean });
export type OpSpec = {
  op: string;
  label: string;
  v: number;
  defaults: Params;
  controls: Control[];
  /** Keeps params valid after any change: an op whose schema is a union drops the other branch's keys. */
  reshape?: (params: Params) => Params;
};

const range = (key: string, label: string, min: number, max: number, step: number, unit?: string): Slider => ({ kind: 'range', key, label, min, max, step, ...(unit ? { unit } : {}) });
const amount = (label: string) => range('amount', label, -100, 100, 1);
const options = <T extends string | number>(values: readonly T[], label: (v: T) => string = String) => values.map((value) => ({ value, label: label(value) }));
const POSITIONS = ['top-left', 'top', 'top-right', 'left', 'center', 'right', 'bottom-left', 'bottom', 'bottom-right'] as const;
const words = (v: string) => v.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
const isLongEdge = (p: Params) => p.mode !== 'box';
const isTiff = (p: Params) => p.format === 'tiff';
const lossy = (p: Params) => p.format === 'jpeg' || p.format === 'webp' || p.format === 'avif';

export const OPS: readonly OpSpec[] = [
  { op: 'exposure', label: 'Exposure', v: 2, defaults: { ev: 0 }, controls: [range('ev', 'Exposure', -5, 5, 0.05, 'EV')] },
  { op: 'black-point', label: 'Black point', v: 1, defaults: { level: 0 }, controls: [range('level', 'Black point', 0, 30, 0.1, '%')] },
  { op: 'contrast', label: 'Contrast', v: 1, defaults: { amount: 0 }, controls: [amount('Contrast')] },
  {
    op: 'highlights-shadows',
    label: 'Highlights & shadows',
    v: 1,
    defaults: { highlights: 0, shadows: 0 },
    controls: [range('highlights', 'Highlights', -100, 100, 1), range('shadows', 'Shadows', -100, 100, 1)],
  },
  {
    op: 'white-balance',
    label: 'White balance',
    v: 1,
    defaults: { temperature: 0, tint: 0 },
    controls: [range('temperature', 'Temperature', -100, 100, 1), range('tint', 'Tint', -100, 100, 1)],
  },
  { op: 'saturation', label: 'Saturation', v: 1, defaults: { amount: 0 }, controls: [amount('Saturation')] },
  { op: 'vibrance', label: 'Vibrance', v: 1, defaults: { amount: 0 }, controls: [amount('Vibrance')] },
  {
    op: 'sharpen',
    label: 'Sharpen',
    v: 1,
    defaults: { amount: 50, radius: 1 },
    controls: [range('amount', 'Amount', 0, 100, 1), range('radius', 'Radius', 0.3, 5, 0.1, 'px')],
  },
  {
    op: 'rotate',
    label: 'Rotate & flip',
    v: 1,
    defaults: { turn: 'none', flipH: false, flipV: false },
    controls: [
      { kind: 'choice', key: 'turn', label: 'Turn', options: [{ value: 'none', label: 'None' }, { value: 'cw90', label: '90° clockwise' }, { value: 'ccw90', label: '90° counter-clockwise' }, { value: '180', label: '180°' }] },
      { kind: 'toggle', key: 'flipH', label: 'Flip horizontally' },
      { kind: 'toggle', key: 'flipV', label: 'Flip vertically' },
    ],
  },
  {
    op: 'resize',
    label: 'Resize',
    v: 1,
    defaults: { mode: 'long-edge', longEdge: 2048, allowUpscale: false },
    controls: [
      { kind: 'choice', key: 'mode', label: 'Size by', options: [{ value: 'long-edge', label: 'Long edge' }, { value: 'box', label: 'Width and height' }] },
      { kind: 'pixels', key: 'longEdge', label: 'Long edge', when: isLongEdge },
      { kind: 'pixels', key: 'width', label: 'Width', optional: true, when: (p) => !isLongEdge(p) },
      { kind: 'pixels', key: 'height', label: 'Height', optional: true, when: (p) => !isLongEdge(p) },
      { kind: 'choice', key: 'fit', label: 'Fit', options: options(['inside', 'cover', 'contain', 'fill'] as const, words), when: (p) => !isLongEdge(p) },
      { kind: 'toggle', key: 'allowUpscale', label: 'Allow enlarging' },
    ],
    reshape: (p) =>
      isLongEdge(p)
        ? { mode: 'long-edge', longEdge: p.longEdge ?? 2048, allowUpscale: p.allowUpscale ?? false }
        : {
            mode: 'box',
            ...(p.width === undefined && p.height === undefined ? { width: 2048, height: 2048 } : {}),
            ...(p.width !== undefined ? { width: p.width } : {}),
            ...(p.height !== undefined ? { height: p.height } : {}),
            fit: p.fit ?? 'inside',
            allowUpscale: p.allowUpscale ?? false,
          },
  },
  {
    op: 'watermark',
    label: 'Watermark',
    v: 1,
    defaults: { text: '©', position: 'bottom-right', opacity: 0.6, fontSize: 0.04, colour: '#ffffff' },
    controls: [
      { kind: 'text', key: 'text', label: 'Text', maxLength: 200 },
      { kind: 'choice', key: 'position', label: 'Position', options: options(POSITIONS, words) },
      range('opacity', 'Opacity', 0, 1, 0.05),
      range('fontSize', 'Size', 0.005, 0.5, 0.005),
      { kind: 'colour', key: 'colour', label: 'Colour' },
    ],
  },
  {
    op: 'output',
    label: 'Output',
    v: 2,
    defaults: { format: 'jpeg', quality: 90, tiffBitDepth: 8, colourSpace: 'srgb', metadata: 'folder' },
    controls: [
      { kind: 'choice', key: 'format', label: 'Format', options: options(['jpeg', 'webp', 'avif', 'tiff', 'png'] as const, (v) => v.toUpperCase()) },
      { ...range('quality', 'Quality', 1, 100, 1), when: lossy },
      { kind: 'choice', key: 'tiffBitDepth', label: 'Bit depth', options: [{ value: 8, label: '8 bit' }, { value: 16, label: '16 bit' }], when: isTiff },
      { kind: 'choice', key: 'colourSpace', label: 'Colour space', options: [{ value: 'srgb', label: 'sRGB' }, { value: 'display-p3', label: 'Display P3' }, { value: 'adobe-rgb', label: 'Adobe RGB' }] },
      // What the file keeps of the original's EXIF/IPTC/XMP (contract/export-metadata.ts).
      { kind: 'choice', key: 'metadata', label: 'Metadata', options: [
        { value: 'folder', label: 'As the folder says' }, { value: 'all', label: 'All' },
        { value: 'no-location', label: 'All but location' }, { value: 'copyright', label: 'Copyright & contact' },
      ] },
    ],
  },
  { op: 'crop', label: 'Crop', v: 2, defaults: { x: 0, y: 0, w: 1, h: 1, angle: 0 }, controls: [range('angle', 'Straighten', -45, 45, 0.1, '°')] },
];

const BY_OP = new Map(OPS.map((spec) => [spec.op, spec]));

/** Ops the panel can add (crop is made in crop mode). */
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

/** A param as stored, or the op's default when the stored step is of an older shape the UI does not know. */
export function paramOf(step: RecipeStep | RecipeStepInput, key: string): unknown {
  const params = step.params as Params | null;
  return params?.[key] ?? BY_OP.get(step.op)?.defaults[key];
}

/** A numeric param (a slider's value), 0 when there is none. */
export function paramValue(step: RecipeStep | RecipeStepInput, key: string): number {
  const value = paramOf(step, key);
  return typeof value === 'number' ? value : 0;
}

/** The step's params with one changed, kept valid for the op (see OpSpec.reshape). */
export function withParamChanged(step: RecipeStepInput, key: string, value: unknown): RecipeStepInput {
  const params: Params = { ...(step.params as Params) };
  if (value === undefined) delete params[key];
  else params[key] = value;
  const reshape = BY_OP.get(step.op)?.reshape;
  return { ...step, params: reshape ? reshape(params) : params };
}

/** Controls only edit steps written at the version the table knows; older ones are migrated on save by the engine. */
export function isEditable(step: RecipeStep | RecipeStepInput): boolean {
  const spec = BY_OP.get(step.op);
  return spec !== undefined && spec.v === step.v;
}

export type SourceKind = 'user' | 'preset' | 'ai';
export function sourceKind(source: string): SourceKind {
  return source.startsWith('ai:') ? 'ai' : source.startsWith('preset:') ? 'preset' : 'user';
}
