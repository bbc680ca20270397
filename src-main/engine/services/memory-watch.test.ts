import { describe, expect, it } from 'vitest';
import { MemoryWatch, type MemoryReading } from './memory-watch.ts';

describe('MemoryWatch', () => {
  it('turns short past the budget or when the machine runs low, and back only after 10 s of calm', () => {
    let reading: MemoryReading = { rssMb: 400, freeMb: 6_000, totalMb: 8_000 };
    const changes: boolean[] = [];
    const watch = new MemoryWatch({ changed: (short) => changes.push(short), read: () => reading });
    // Budget: 40 % of 8 GB.
    expect(watch.state()).toMatchObject({ budgetMb: 3200, short: false });
    watch.check(0);
    expect(changes).toEqual([]);

    // The machine is nearly out (under a tenth free), though Lightbox itself is small.
    reading = { rssMb: 400, freeMb: 700, totalMb: 8_000 };
    watch.check(1_000);
    expect(changes).toEqual([true]);
    // Free again, but not yet with margin (1.5 x 800 MB): still short, and the calm clock has not started.
    reading = { rssMb: 400, freeMb: 1_100, totalMb: 8_000 };
    watch.check(2_000);
    reading = { rssMb: 400, freeMb: 3_000, totalMb: 8_000 };
    watch.check(3_000);
    watch.check(12_000);
    expect(changes).toEqual([true]);
    watch.check(13_000);
    expect(changes).toEqual([true, false]);

    // Lightbox past its own budget.
    reading = { rssMb: 3_400, freeMb: 3_000, totalMb: 8_000 };
    watch.check(14_000);
    expect(watch.state()).toMatchObject({ short: true, rssMb: 3_400 });
    expect(changes).toEqual([true, false, true]);
  });
});
