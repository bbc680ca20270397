import { describe, expect, it } from 'vitest';
import { ModerationResult } from '../../../contract/analysis.ts';
import { moderationFlag, moderationResult } from './moderate.ts';

const p = (Drawing: number, Hentai: number, Neutral: number, Porn: number, Sexy: number) => ({ Drawing, Hentai, Neutral, Porn, Sexy });

describe('moderation flag and result', () => {
  it('explicit when Porn + Hentai hold the majority, suggestive when the unsafe classes do, safe otherwise', () => {
    expect(moderationFlag(p(0.1, 0, 0.9, 0, 0))).toBe('safe');
    expect(moderationFlag(p(0, 0, 0.51, 0.2, 0.29))).toBe('safe');
    expect(moderationFlag(p(0, 0, 0.5, 0.2, 0.3))).toBe('suggestive');
    expect(moderationFlag(p(0, 0, 0.4, 0.45, 0.15))).toBe('suggestive');
    expect(moderationFlag(p(0, 0.25, 0.25, 0.25, 0.25))).toBe('explicit');
    expect(moderationFlag(p(0.3, 0.7, 0, 0, 0))).toBe('explicit');
  });

  it('reads the model output in its class order, most likely first, and refuses a non-probability vector', () => {
    const r = moderationResult(Float32Array.from([0.05, 0.01, 0.9, 0.01, 0.03]));
    expect(ModerationResult.parse(r)).toEqual(r);
    expect(r.flag).toBe('safe');
    expect(r.classes.map((c) => c.label)).toEqual(['Neutral', 'Drawing', 'Sexy', 'Hentai', 'Porn']);
    expect(r.classes[0]!.probability).toBeCloseTo(0.9, 4);
    expect(() => moderationResult(Float32Array.from([0.5, 0.5, 0.5, 0, 0]))).toThrow(/not a probability vector/);
    expect(() => moderationResult(Float32Array.from([1, 0, 0, 0]))).toThrow(/4 values, expected 5/);
  });
});
