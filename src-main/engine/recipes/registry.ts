import type { OpModule } from './op-module.ts';
import { blackPointOp } from './ops/black-point.ts';
import { contrastOp } from './ops/contrast.ts';
import { cropOp } from './ops/crop.ts';
import { exposureOp } from './ops/exposure.ts';
import { highlightsShadowsOp } from './ops/highlights-shadows.ts';
import { outputOp } from './ops/output.ts';
import { resizeOp } from './ops/resize.ts';
import { rotateOp } from './ops/rotate.ts';
import { saturationOp } from './ops/saturation.ts';
import { sharpenOp } from './ops/sharpen.ts';
import { vibranceOp } from './ops/vibrance.ts';
import { watermarkOp } from './ops/watermark.ts';
import { whiteBalanceOp } from './ops/white-balance.ts';

const modules = [
  cropOp, rotateOp, exposureOp, blackPointOp, contrastOp, highlightsShadowsOp, whiteBalanceOp,
  saturationOp, vibranceOp, sharpenOp, resizeOp, watermarkOp, outputOp,
] as unknown as OpModule[];

/** Checks at load what the types cannot: one module per name, a schema per version, a migration per step. */
function buildRegistry(list: OpModule[]): ReadonlyMap<string, OpModule> {
  const map = new Map<string, OpModule>();
  for (const m of list) {
    if (map.has(m.op)) throw new Error(`recipe op "${m.op}" is registered twice`);
    for (let v = 1; v <= m.version; v++) {
      if (!m.schemas[v]) throw new Error(`recipe op "${m.op}" has no params schema for v${v}`);
      if (v < m.version && !m.migrate[v]) throw new Error(`recipe op "${m.op}" has no migration from v${v} to v${v + 1}`);
    }
    map.set(m.op, m);
  }
  return map;
}

export const opRegistry = buildRegistry(modules);

export function getOp(name: string): OpModule | undefined {
  return opRegistry.get(name);
}

export const opNames = (): string[] => [...opRegistry.keys()];
