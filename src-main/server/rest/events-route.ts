import type { RestContext } from './context.ts';
import type { LoggedEvent } from './photo-event-log.ts';

const KEEP_ALIVE_MS = 15_000;
/** A client that stops reading is dropped once this much is waiting for it; it reconnects and resumes. */
const MAX_BUFFERED = 1024 * 1024;

/**
 * GET /events: Server-Sent Events for clients without WebSocket (curl -N, a shell loop). One `photo`
 * event per status change (photo-event-log.ts). A client that reconnects with Last-Event-ID (as
 * EventSource does by itself) is first sent what it missed, or one `reset` event when that cannot be
 * known (another server run, or older than what is kept).
 */
export function photoEvents(ctx: RestContext): Promise<void> {
  const { req, res } = ctx;
  const log = ctx.events();
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  res.write(': Lightbox photo events\n\n');

  const write = (text: string) => {
    if (res.writableLength > MAX_BUFFERED) {
      ctx.log('an event-stream client fell too far behind and was disconnected');
      res.destroy();
      return;
    }
    res.write(text);
  };
  const send = (entry: LoggedEvent) => write(`event: photo\nid: ${log.idOf(entry)}\ndata: ${JSON.stringify(entry.event)}\n\n`);

  // Subscribed before the replay is read: nothing logged in between is lost (both run on this tick).
  const unsubscribe = log.subscribe(send);
  const lastEventId = req.headers['last-event-id'];
  if (typeof lastEventId === 'string' && lastEventId !== '') {
    const resume = log.resume(lastEventId);
    if ('reset' in resume) write(`event: reset\ndata: ${JSON.stringify({ message: resume.reset })}\n\n`);
    else for (const entry of resume.replay) send(entry);
  }
  const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  return new Promise((resolve) => {
    res.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      resolve();
    });
  });
}
