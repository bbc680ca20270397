import type { ChannelCurve, PixelPass, PassSize } from '../../recipes/op-module.ts';
import { MAX_VALUE } from './pixels.ts';
import type { PlannedPass } from './render-plan.ts';

export type ToneStep = { kind: 'curve'; curve: ChannelCurve; perChannel: boolean } | { kind: 'pixels'; run: PixelPass };

const clip = (v: number) => (v <= 0 ? 0 : v >= 1 ? 1 : v);

/**
 * Folds a run of curves into one 65,536-entry table per channel (one for all three when no curve
 * in the run looks at the channel). Each curve's result is clipped to 0..1 before the next one sees
 * it, exactly as the separate 16-bit passes clipped. The curves before the first per-channel one
 * are evaluated once for all three channels (exposure's two powers per entry are most of the cost).
 */
export function curveTables(steps: Array<{ curve: ChannelCurve; perChannel: boolean }>): Uint16Array[] {
  const split = steps.findIndex((s) => s.perChannel);
  const shared = (split === -1 ? steps : steps.slice(0, split)).map((s) => s.curve);
  const own = split === -1 ? [] : steps.slice(split).map((s) => s.curve);
  const prefix = new Float64Array(MAX_VALUE + 1);
  for (let i = 0; i <= MAX_VALUE; i++) {
    let v = i / MAX_VALUE;
    for (const curve of shared) v = clip(curve(v, 0));
    prefix[i] = v;
  }
  const table = (channel: 0 | 1 | 2) => {
    const lut = new Uint16Array(MAX_VALUE + 1);
    for (let i = 0; i <= MAX_VALUE; i++) {
      let v = prefix[i]!;
      for (const curve of own) v = clip(curve(v, channel));
      lut[i] = Math.round(v * MAX_VALUE);
    }
    return lut;
  };
  return split === -1 ? [table(0)] : [table(0), table(1), table(2)];
}

export function applyTables(tables: Uint16Array[], px: Uint16Array): void {
  if (tables.length === 1) {
    const t = tables[0]!;
    for (let i = 0; i < px.length; i++) px[i] = t[px[i]!]!;
    return;
  }
  const [r, g, b] = tables as [Uint16Array, Uint16Array, Uint16Array];
  for (let i = 0; i < px.length; i += 3) {
    px[i] = r[px[i]!]!;
    px[i + 1] = g[px[i + 1]!]!;
    px[i + 2] = b[px[i + 2]!]!;
  }
}

/**
 * A run of curves evaluated on each sample instead of through tables: the same arithmetic as the
 * table entry for that sample's level (curves in order, each clipped, one rounding at the end), so the
 * same result; cheaper when there are fewer samples than table entries (analysis' small grids).
 */
export function applyCurvesDirect(steps: Array<{ curve: ChannelCurve; perChannel: boolean }>, px: Uint16Array): void {
  for (let i = 0; i < px.length; i++) {
    const channel = (i % 3) as 0 | 1 | 2;
    let v = px[i]! / MAX_VALUE;
    for (const s of steps) v = clip(s.curve(v, s.perChannel ? channel : 0));
    px[i] = Math.round(v * MAX_VALUE);
  }
}

/** Whether runTone applies a run of curves to this many samples through tables (else one evaluation each). */
export const curvesByTable = (samples: number): boolean => samples >= MAX_VALUE + 1;

/**
 * All tone steps in recipe order over one in-memory buffer: no sharp round trip between them.
 * Consecutive curves cost one lookup per sample (or, for buffers smaller than a table, one
 * evaluation); per-pixel steps run their own loop.
 */
export function runTone(steps: ToneStep[], px: Uint16Array, size: PassSize): void {
  let pending: Array<{ curve: ChannelCurve; perChannel: boolean }> = [];
  const flush = () => {
    if (pending.length > 0) {
      if (!curvesByTable(px.length)) applyCurvesDirect(pending, px);
      else applyTables(curveTables(pending), px);
    }
    pending = [];
  };
  for (const step of steps) {
    if (step.kind === 'curve') {
      pending.push(step);
    } else {
      flush();
      step.run(px, size);
    }
  }
  flush();
}

/** The tone steps among planned passes (curves and per-pixel passes of the tone stage), in order. */
export function toneSteps(passes: PlannedPass[]): ToneStep[] {
  const steps: ToneStep[] = [];
  for (const p of passes) {
    if (p.stage !== 'tone') continue;
    if (p.kind === 'curve') steps.push({ kind: 'curve', curve: p.curve, perChannel: p.perChannel });
    else if (p.kind === 'pixels') steps.push({ kind: 'pixels', run: p.run });
  }
  return steps;
}
