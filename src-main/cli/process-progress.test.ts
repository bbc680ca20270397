import { describe, expect, it } from 'vitest';
import { barLine } from './process-progress.ts';

describe('lightbox process progress bar', () => {
  const progress = {
    startedAt: '2026-01-01T00:00:00.000Z',
    fraction: 0.5,
    etaSeconds: 150,
    stages: [
      { kind: 'ingest' as const, done: 36, total: 36, perMinute: 400, etaSeconds: 0 },
      { kind: 'analyze' as const, done: 12, total: 36, perMinute: 20, etaSeconds: 72 },
      { kind: 'upload' as const, done: 6, total: 36, perMinute: 12, etaSeconds: 150 },
    ],
  };

  it('shows the bar, the share done, every stage and the time left on one line', () => {
    expect(barLine(progress, 200)).toBe(`[${'█'.repeat(12)}${'░'.repeat(12)}]  50 %  import 36/36 · analysis 12/36 · upload 6/36 · about 3 min left`);
  });

  it('never wraps: the line is cut to the terminal width', () => {
    const line = barLine(progress, 40);
    expect([...line]).toHaveLength(39);
    expect(line.startsWith('[████████████░░░░░░░░░░░░]  50 %')).toBe(true);
  });

  it('is empty before there is anything to show', () => {
    expect(barLine(undefined, 80)).toBe('');
  });
});
