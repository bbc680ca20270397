import { describe, expect, it } from 'vitest';
import { deltaE2000, meanDeltaE } from './delta-e.ts';

describe('deltaE2000', () => {
  // Pairs from Sharma, Wu and Dalal's CIEDE2000 test data (they cover the hue wrap and the blue rotation term).
  const pairs: Array<[number, number, number, number, number, number, number]> = [
    [50, 2.6772, -79.7751, 50, 0, -82.7485, 2.0425],
    [50, 3.1571, -77.2803, 50, 0, -82.7485, 2.8615],
    [50, 0, 0, 50, -1, 2, 2.3669],
    [50, 2.49, -0.001, 50, -2.49, 0.0011, 7.2195],
    [50, 2.5, 0, 73, 25, -18, 27.1492],
    [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
    [22.7233, 20.0904, -46.694, 23.0331, 14.973, -42.5619, 2.0373],
    [90.8027, -2.0831, 1.441, 91.1528, -1.6435, 0.0447, 1.4441],
  ];
  it.each(pairs)('(%f, %f, %f) vs (%f, %f, %f) = %f', (l1, a1, b1, l2, a2, b2, expected) => {
    expect(deltaE2000(l1, a1, b1, l2, a2, b2)).toBeCloseTo(expected, 4);
    expect(deltaE2000(l2, a2, b2, l1, a1, b1)).toBeCloseTo(expected, 4);
  });

  it('averages over pixels and is 0 for identical images', () => {
    const a = Uint8Array.from([10, 20, 30, 200, 100, 50]);
    expect(meanDeltaE(a, a)).toBe(0);
    const b = Uint8Array.from([10, 20, 30, 210, 100, 50]);
    const one = meanDeltaE(Uint8Array.from([200, 100, 50]), Uint8Array.from([210, 100, 50]));
    expect(one).toBeGreaterThan(1);
    expect(meanDeltaE(a, b)).toBeCloseTo(one / 2, 10);
  });
});
