import { describe, expect, it } from 'vitest';
import type { Api, RestPhotoEvent } from '../../contract/index.ts';
import type { RestPort } from '../../engine/engine.ts';
import { PhotoEventLog, type LoggedEvent } from './photo-event-log.ts';

/** The two things the log reads: the engine's `photo.changed` events and a photo's REST status. */
function world() {
  const listeners: Array<(photo: { id: number }) => void> = [];
  const status = new Map<number, RestPhotoEvent['status']>();
  const api = { on: (name: string, listener: (photo: { id: number }) => void) => (name === 'photo.changed' && listeners.push(listener), () => {}) } as unknown as Api;
  const rest = { event: (id: number) => (status.has(id) ? { id, status: status.get(id)!, updatedAt: '2026-12-07T00:00:00.000Z' } : null) } as unknown as RestPort;
  const change = async (id: number, to: RestPhotoEvent['status']) => {
    status.set(id, to);
    for (const l of listeners) l({ id });
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { api, rest, change };
}

describe('PhotoEventLog', () => {
  it('logs each status change once, replays what came after an id, and resets what it cannot know', async () => {
    const w = world();
    const log = new PhotoEventLog(w.api, w.rest, { capacity: 3 });
    const live: LoggedEvent[] = [];
    log.subscribe((e) => live.push(e));
    await w.change(1, 'ingesting');
    await w.change(1, 'ingesting'); // no new status: not logged
    await w.change(1, 'analysing');
    await w.change(2, 'ingesting');
    expect(live.map((e) => [e.event.id, e.event.status])).toEqual([[1, 'ingesting'], [1, 'analysing'], [2, 'ingesting']]);

    const first = log.idOf(live[0]!);
    expect(log.resume(first)).toEqual({ replay: live.slice(1) });
    expect(log.resume(log.idOf(live[2]!))).toEqual({ replay: [] });

    // Capacity 3: a fourth change drops the first; resuming after it still works, before it does not.
    await w.change(2, 'analysing');
    expect(log.resume(first)).toEqual({ replay: live.slice(1) });
    await w.change(1, 'needs-review');
    expect(log.resume(first)).toMatchObject({ reset: expect.stringMatching(/no longer kept/) });
    expect(log.resume(first.replace(/^[0-9a-f]{8}/, '00000000'))).toMatchObject({ reset: expect.stringMatching(/earlier run/) });
    expect(log.resume('nonsense')).toMatchObject({ reset: expect.any(String) });
    expect(log.resume(`${first.split('-')[0]}-99`)).toMatchObject({ reset: expect.stringMatching(/ahead/) });
  });
});
