import { decodeTransfer, linearToLab } from '../../recipes/colour-math.ts';

/**
 * CIEDE2000 colour difference (CIE 142-2001, in the form Sharma, Wu and Dalal published with their
 * test data): the difference a viewer sees between two Lab colours; about 1 is just noticeable,
 * 2-3 is visible side by side. Used to say how far an enhancement moves a photo (the benchmark's
 * figure and analysis' "do no harm" check).
 */
export function deltaE2000(l1: number, a1: number, b1: number, l2: number, a2: number, b2: number): number {
  const rad = Math.PI / 180;
  // Square roots, not Math.hypot: this runs for every block of every simulated edit, and hypot is many times slower.
  const c1 = Math.sqrt(a1 * a1 + b1 * b1);
  const c2 = Math.sqrt(a2 * a2 + b2 * b2);
  const cMean7 = ((c1 + c2) / 2) ** 7;
  const g = 0.5 * (1 - Math.sqrt(cMean7 / (cMean7 + 25 ** 7)));
  const ap1 = a1 * (1 + g);
  const ap2 = a2 * (1 + g);
  const cp1 = Math.sqrt(ap1 * ap1 + b1 * b1);
  const cp2 = Math.sqrt(ap2 * ap2 + b2 * b2);
  const hue = (b: number, ap: number) => (b === 0 && ap === 0 ? 0 : (Math.atan2(b, ap) / rad + 360) % 360);
  const hp1 = hue(b1, ap1);
  const hp2 = hue(b2, ap2);
  const dL = l2 - l1;
  const dC = cp2 - cp1;
  let dh = 0;
  if (cp1 * cp2 !== 0) {
    dh = hp2 - hp1;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const dH = 2 * Math.sqrt(cp1 * cp2) * Math.sin((dh * rad) / 2);
  const lMean = (l1 + l2) / 2;
  const cpMean = (cp1 + cp2) / 2;
  let hMean = hp1 + hp2;
  if (cp1 * cp2 !== 0) {
    if (Math.abs(hp1 - hp2) <= 180) hMean /= 2;
    else hMean = hMean < 360 ? (hMean + 360) / 2 : (hMean - 360) / 2;
  }
  const t = 1 - 0.17 * Math.cos((hMean - 30) * rad) + 0.24 * Math.cos(2 * hMean * rad) + 0.32 * Math.cos((3 * hMean + 6) * rad) - 0.2 * Math.cos((4 * hMean - 63) * rad);
  const dTheta = 30 * Math.exp(-(((hMean - 275) / 25) ** 2));
  const cpMean7 = cpMean ** 7;
  const rc = 2 * Math.sqrt(cpMean7 / (cpMean7 + 25 ** 7));
  const l50 = (lMean - 50) ** 2;
  const sl = 1 + (0.015 * l50) / Math.sqrt(20 + l50);
  const sc = 1 + 0.045 * cpMean;
  const sh = 1 + 0.015 * cpMean * t;
  const rt = -Math.sin(2 * dTheta * rad) * rc;
  const x = dL / sl;
  const y = dC / sc;
  const z = dH / sh;
  return Math.sqrt(x * x + y * y + z * z + rt * y * z);
}

const LINEAR_8 = Float64Array.from({ length: 256 }, (_, i) => decodeTransfer(i / 255));

/** Lab of every `step`-th pixel of an 8-bit sRGB image (interleaved RGB), for comparing against many times. */
export function labPixels(rgb: Uint8Array, step = 1): Float64Array {
  const n = Math.ceil(rgb.length / 3 / step);
  const lab = new Float64Array(n * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3 * step, j += 3) {
    const [l, a, b] = linearToLab(LINEAR_8[rgb[i]!]!, LINEAR_8[rgb[i + 1]!]!, LINEAR_8[rgb[i + 2]!]!);
    lab[j] = l;
    lab[j + 1] = a;
    lab[j + 2] = b;
  }
  return lab;
}

/**
 * Mean CIEDE2000 between two 8-bit sRGB images of the same size (interleaved RGB), every `step`-th
 * pixel. `a` may be given as its labPixels (with the same step) when it is compared many times.
 */
export function meanDeltaE(a: Uint8Array | Float64Array, b: Uint8Array, step = 1): number {
  const labA = a instanceof Float64Array ? a : labPixels(a, step);
  if (labA.length !== Math.ceil(b.length / 3 / step) * 3) throw new RangeError(`images differ in size: ${labA.length / 3} vs ${Math.ceil(b.length / 3 / step)} pixels compared`);
  let sum = 0;
  let n = 0;
  for (let i = 0, j = 0; i < b.length; i += 3 * step, j += 3) {
    n++;
    const [l2, a2, b2] = linearToLab(LINEAR_8[b[i]!]!, LINEAR_8[b[i + 1]!]!, LINEAR_8[b[i + 2]!]!);
    sum += deltaE2000(labA[j]!, labA[j + 1]!, labA[j + 2]!, l2, a2, b2);
  }
  return n === 0 ? 0 : sum / n;
}
