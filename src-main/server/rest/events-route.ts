import type { RestContext } from './context.ts';

const KEEP_ALIVE_MS = 15_000;
/** A client that stops reading is dropped once this much is waiting for it; it reconnects and re-reads. */
const MAX_BUFFERED = 1024 * 1024;

/**
 * GET /events: Server-Sent Events for clients without WebSocket (curl -N, a shell loop). One `photo`
 * event per status change, from the engine's own events; several changes of one photo within a
 * tick are folded into one look at its status, and only a different status is sent.
 */
export function photoEvents(ctx: RestContext): Promise<void> {
  const { res, api, rest } = ctx;
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  res.write(': Lightbox photo events\n\n');

  const sent = new Map<number, string>();
  const due = new Set<number>();
  let flushing = false;
  let seq = 0;
  const write = (text: string) => {
    if (res.writableLength > MAX_BUFFERED) {
      ctx.log('an event-stream client fell too far behind and was disconnected');
      res.destroy();
      return;
    }
    res.write(text);
  };
  const flush = () => {
    flushing = false;
    for (const id of due) {
      const event = rest.event(id);
      if (!event || sent.get(id) === event.status) continue;
      sent.set(id, event.status);
      write(`event: photo\nid: ${++seq}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    due.clear();
  };
  const changed = (id: number) => {
    if (!Number.isSafeInteger(id) || id < 1) return;
    due.add(id);
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };
  const unsubscribes = [
    api.on('photo.changed', (photo) => changed(photo.id)),
    api.on('analysis.changed', ({ photoId }) => changed(photoId)),
    api.on('recipe.changed', ({ photoId }) => changed(photoId)),
    api.on('render.done', ({ photoId }) => changed(photoId)),
    api.on('job.progress', ({ subject }) => subject !== null && changed(Number(subject))),
  ];
  const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  return new Promise((resolve) => {
    res.on('close', () => {
      clearInterval(keepAlive);
      for (const unsubscribe of unsubscribes) unsubscribe();
      resolve();
    });
  });
}
