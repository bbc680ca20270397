import { describe, expect, it } from 'vitest';
import { LANE_BOOST } from './focus.ts';
import { useQueueTestKit } from './queue-test-kit.ts';

const kit = useQueueTestKit('queue-focus');

/** A gate a handler can wait on; `open()` lets it through. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('JobQueue focus lanes', () => {
  it('runs the open photo first in every kind, including jobs queued for it after it was opened', async () => {
    const order: string[] = [];
    const queue = kit.makeQueue({
      derive: (d) => void order.push(`derive ${d.photoId}`),
      analyze: (d) => void order.push(`analyze ${d.photoId}`),
    });
    for (let id = 1; id <= 4; id++) queue.enqueue('derive', { photoId: id }, { priority: 1 });
    queue.enqueue('analyze', { photoId: 1, force: false }, { priority: -1 });
    queue.enqueue('analyze', { photoId: 2, force: false }, { priority: -1 });
    queue.focus('open', ['3']);
    // Queued after the older backlog, as the engine queues analysis once derive is done.
    queue.enqueue('analyze', { photoId: 3, force: false }, { priority: -1 });
    queue.start();
    await queue.onIdle();
    expect(order.filter((o) => o.startsWith('derive'))).toEqual(['derive 3', 'derive 1', 'derive 2', 'derive 4']);
    expect(order.filter((o) => o.startsWith('analyze'))).toEqual(['analyze 3', 'analyze 1', 'analyze 2']);
  });

  it('a photo no longer open goes back in line, behind the next one opened', async () => {
    const order: number[] = [];
    const queue = kit.makeQueue({ derive: (d) => void order.push(d.photoId) });
    for (let id = 1; id <= 5; id++) queue.enqueue('derive', { photoId: id });
    queue.focus('open', ['4']);
    queue.focus('open', ['2']);
    const priorities = Object.fromEntries([1, 2, 3, 4, 5].map((id) => [id, kit.lib.jobs.get(id)!.priority]));
    expect(priorities).toEqual({ 1: 0, 2: LANE_BOOST.open, 3: 0, 4: 0, 5: 0 });
    queue.start();
    await queue.onIdle();
    expect(order).toEqual([2, 1, 3, 4, 5]);
  });

  it('a batch selection goes ahead of the backlog and behind the open photo', async () => {
    const order: number[] = [];
    const queue = kit.makeQueue({ render: (d) => void order.push(d.photoId) });
    for (let id = 1; id <= 6; id++) queue.enqueue('render', { photoId: id, revision: 1 });
    queue.focus('selection', ['5', '6', '2']);
    queue.focus('open', ['3']);
    queue.start();
    await queue.onIdle();
    expect(order).toEqual([3, 2, 5, 6, 1, 4]);
  });

  it('the open photo takes one slot beyond the limit instead of waiting for a long background job', async () => {
    const background = gate();
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const queue = kit.makeQueue(
      {
        analyze: async (d) => {
          started.push(d.photoId);
          running += 1;
          most = Math.max(most, running);
          if (d.photoId === 1) await background.opened;
          running -= 1;
        },
      },
      { concurrency: { analyze: 1 } },
    );
    queue.enqueue('analyze', { photoId: 1, force: false });
    queue.start();
    await expect.poll(() => started).toEqual([1]);
    for (let id = 2; id <= 4; id++) queue.enqueue('analyze', { photoId: id, force: false });
    queue.focus('open', ['4']);
    // Photo 4 runs while photo 1 still holds the only slot; 2 and 3 wait for it.
    await expect.poll(() => started).toEqual([1, 4]);
    expect(running).toBe(1);
    background.open();
    await queue.onIdle();
    expect(started).toEqual([1, 4, 2, 3]);
    expect(most).toBe(2);
  });

  it('boosts a crashed run left on stored jobs are gone at the next start', async () => {
    const first = kit.makeQueue({});
    first.enqueue('upload', { photoId: 7 }, { priority: 1 });
    first.enqueue('upload', { photoId: 8 }, { priority: -1 });
    first.focus('open', ['7']);
    first.focus('selection', ['7', '8']);
    expect([kit.lib.jobs.get(1)!.priority, kit.lib.jobs.get(2)!.priority]).toEqual([1 + LANE_BOOST.open + LANE_BOOST.selection, -1 + LANE_BOOST.selection]);
    kit.reopen();
    const order: number[] = [];
    const second = kit.makeQueue({ upload: (d) => void order.push(d.photoId) }, { concurrency: { upload: 1 } });
    second.start();
    await second.onIdle();
    expect([kit.lib.jobs.get(1)!.priority, kit.lib.jobs.get(2)!.priority]).toEqual([1, -1]);
    expect(order).toEqual([7, 8]);
  });
});
