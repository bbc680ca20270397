import { describe, expect, it } from 'vitest';
import type { ImmichStatus, KindStats, QueueStats } from '../contract/index.ts';
import { jobsToDo, trayStatus } from './tray-status.ts';

const kind = (k: Partial<KindStats> = {}): KindStats => ({ queued: 0, running: 0, done: 0, failed: 0, dead: 0, ...k });
const stats = (kinds: Record<string, KindStats>, idle: boolean): QueueStats => ({ kinds, idle });
const immich = (over: Partial<ImmichStatus> = {}): ImmichStatus => ({
  configured: true,
  paused: false,
  reason: null,
  online: true,
  counts: { pending: 0, waiting: 0, uploaded: 0, failed: 0 },
  ...over,
});

describe('trayStatus', () => {
  it('counts queued, running and retrying jobs of every kind, not done or dead ones', () => {
    const s = stats({ ingest: kind({ queued: 3, running: 1, done: 50, dead: 2 }), render: kind({ failed: 2, done: 7 }) }, false);
    expect(jobsToDo(s)).toBe(6);
    expect(trayStatus(s, null)).toEqual({ state: 'busy', label: '6 to do', tooltip: 'Lightbox — 6 to do', toDo: 6 });
  });

  it('is idle when nothing is left and the engine says idle', () => {
    expect(trayStatus(stats({ ingest: kind({ done: 9, dead: 1 }) }, true), immich())).toMatchObject({ state: 'idle', label: 'Idle', toDo: 0 });
    expect(trayStatus(stats({}, true), null).label).toBe('Idle');
  });

  it('says working while the engine is not idle even if no job is counted yet', () => {
    expect(trayStatus(stats({}, false), null)).toMatchObject({ state: 'busy', label: 'Working', toDo: 0 });
  });

  it('puts paused uploads first, with the reason and the work still to do', () => {
    const status = trayStatus(
      stats({ upload: kind({ queued: 4 }) }, false),
      immich({ paused: true, reason: { code: 'immich-auth', message: 'Immich refused the API key: enter a new one in Settings.' }, counts: { pending: 3, waiting: 2, uploaded: 10, failed: 0 } }),
    );
    expect(status.state).toBe('paused');
    expect(status.label).toBe('Uploads paused');
    expect(status.tooltip).toBe('Lightbox — uploads paused (5 waiting): Immich refused the API key: enter a new one in Settings.\n4 to do');
  });

  it('ignores a paused flag when Immich is not configured', () => {
    expect(trayStatus(stats({}, true), immich({ configured: false, paused: true })).state).toBe('idle');
  });
});
