/**
 * 16-bit working samples for pixel-op tests: the given edge cases first, then `pixels` pseudo-random
 * colours over the whole range, the same on every run (a linear congruential sequence from `seed`).
 */
export function sampleSpread(edgeCases: readonly number[], pixels: number, seed: number): Uint16Array {
  const out = new Uint16Array(edgeCases.length + 3 * pixels);
  out.set(edgeCases);
  let state = seed;
  for (let i = edgeCases.length; i < out.length; i++) out[i] = (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) % 65_536;
  return out;
}
