import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCorpus } from '../../test-support/corpus.ts';
import { startImmichDouble, type ImmichDouble } from './index.ts';
import { caseBytes, extractionCases, observe, uploadCase, type Observed } from './observed/extraction-cases.ts';

const recorded = JSON.parse(await readFile(new URL('./observed/extraction-v3.1.0.json', import.meta.url), 'utf8')) as { server: string; results: Record<string, Observed> };

/**
 * The double's metadata extraction against what a real Immich 3.1.0 made of the same uploads
 * (observed/record-extraction.ts): dates and zone, GPS, description, rating, tags, per case.
 */
describe.skipIf(!hasCorpus)(`Immich double: metadata extraction as recorded on Immich ${recorded.server}`, () => {
  let double: ImmichDouble;
  beforeAll(async () => {
    double = await startImmichDouble();
  });
  afterAll(() => double.close());

  it('gives every recorded case the dates, zone, location, caption, rating and tags the real server gave', async () => {
    const cases = await extractionCases();
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(recorded.results).sort());
    const differences: string[] = [];
    for (const c of cases) {
      const id = await uploadCase(double.url, double.apiKey, c, await caseBytes(c));
      const { extracted, ...seen } = await observe(double.url, double.apiKey, id);
      expect(extracted).toBe(true);
      const want = recorded.results[c.name]!;
      for (const key of Object.keys(want) as Array<keyof Observed>) {
        if (JSON.stringify(seen[key]) !== JSON.stringify(want[key])) differences.push(`${c.name} ${key}: real ${JSON.stringify(want[key])}, double ${JSON.stringify(seen[key])}`);
      }
    }
    expect(differences).toEqual([]);
  });
});
