import { describe, expect, it } from 'vitest';
import { etaText, paceText, slowestStage } from '../contract.ts';

describe('progress text', () => {
  it('says the time left in round words', () => {
    expect(etaText(null)).toBe('working out the time left…');
    expect(etaText(12)).toBe('less than a minute left');
    expect(etaText(150)).toBe('about 3 min left');
    expect(etaText(2 * 3600 + 14 * 60)).toBe('about 2 h 14 min left');
  });

  it('gives fast stages per second and slow ones per minute', () => {
    expect(paceText(null)).toBeNull();
    expect(paceText(0)).toBeNull();
    expect(paceText(600)).toBe('10/s');
    expect(paceText(42.4)).toBe('42/min');
    expect(paceText(4.25)).toBe('4.3/min');
  });

  it('names the stage with the most time left', () => {
    const stage = (kind: 'ingest' | 'analyze' | 'upload', done: number, total: number, etaSeconds: number | null) => ({ kind, done, total, perMinute: null, etaSeconds });
    const progress = { startedAt: '', fraction: 0.5, etaSeconds: null, stages: [stage('ingest', 10, 10, 0), stage('analyze', 3, 10, 90), stage('upload', 1, 10, null)] };
    expect(slowestStage(progress)?.kind).toBe('upload');
    expect(slowestStage({ ...progress, stages: [stage('ingest', 10, 10, 0)] })).toBeNull();
  });
});
