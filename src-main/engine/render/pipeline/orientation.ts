/**
 * EXIF/TIFF orientations 1..8 as 2x2 signed permutation matrices acting on centred coordinates
 * (x right, y down): display = M * stored. Lets the XMP writer move a crop between the displayed
 * frame and the stored (sensor) frame Camera Raw uses, and compose user quarter-turns and flips.
 */
export type Mat2 = readonly [number, number, number, number]; // [a, b, c, d] = [[a, b], [c, d]]

const MATRICES: Record<number, Mat2> = {
  1: [1, 0, 0, 1],
  2: [-1, 0, 0, 1], // mirror horizontal
  3: [-1, 0, 0, -1], // 180
  4: [1, 0, 0, -1], // mirror vertical
  5: [0, 1, 1, 0], // transpose
  6: [0, -1, 1, 0], // 90 clockwise
  7: [0, -1, -1, 0], // transverse
  8: [0, 1, -1, 0], // 90 counter-clockwise
};

export function orientationMatrix(orientation: number): Mat2 {
  const m = MATRICES[orientation];
  if (!m) throw new RangeError(`EXIF orientation must be 1..8, got ${orientation}`);
  return m;
}

export function orientationFromMatrix(m: Mat2): number {
  for (const [k, v] of Object.entries(MATRICES)) if (v.every((x, i) => x === m[i])) return Number(k);
  throw new RangeError(`not an orientation matrix: ${m.join(',')}`);
}

/** (first then second): the matrix of applying `first`, then `second`. */
export function compose(first: Mat2, second: Mat2): Mat2 {
  const [a, b, c, d] = second;
  const [e, f, g, h] = first;
  return [a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h];
}

export function invert(m: Mat2): Mat2 {
  // Signed permutation matrices are orthogonal: the inverse is the transpose.
  return [m[0], m[2], m[1], m[3]];
}

export function apply(m: Mat2, [x, y]: readonly [number, number]): [number, number] {
  return [m[0] * x + m[1] * y, m[2] * x + m[3] * y];
}

export const isMirror = (m: Mat2): boolean => m[0] * m[3] - m[1] * m[2] < 0;
export const swapsAxes = (m: Mat2): boolean => m[0] === 0;

/** The matrix of the rotate op's params: the turn first, then the flips in the turned frame. */
export function rotateStepMatrix(turn: 'none' | 'cw90' | 'ccw90' | '180', flipH: boolean, flipV: boolean): Mat2 {
  let m = orientationMatrix({ none: 1, cw90: 6, ccw90: 8, '180': 3 }[turn]);
  if (flipH) m = compose(m, MATRICES[2]!);
  if (flipV) m = compose(m, MATRICES[4]!);
  return m;
}
