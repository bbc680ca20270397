import { randomBytes } from 'node:crypto';
import type { Api, RestPhotoEvent } from '../../contract/index.ts';
import type { RestPort } from '../../engine/engine.ts';

/** One status change, numbered within this server's run. */
export type LoggedEvent = { seq: number; event: RestPhotoEvent };

/** What a client that comes back with a Last-Event-ID is owed. */
export type Resume = { replay: LoggedEvent[] } | { reset: string };

/** Enough for a client that lost its connection for a while during a big drop (a photo makes ~6 changes). */
const DEFAULT_CAPACITY = 5000;

/**
 * The photo status changes of this server's run, for every event-stream client at once: one set of
 * engine subscriptions, one dedupe (a photo's change is logged only when its status differs from the
 * last one logged), and the recent changes kept so that a client reconnecting with Last-Event-ID is
 * sent what it missed. Ids are `<run>-<seq>`: an id from an earlier run, or older than what is kept,
 * cannot be resumed and gets a reset (re-list with GET /photos?since=) instead of a silent gap.
 */
export class PhotoEventLog {
  readonly #run = randomBytes(4).toString('hex');
  readonly #capacity: number;
  readonly #rest: RestPort;
  readonly #kept: LoggedEvent[] = [];
  readonly #last = new Map<number, string>();
  readonly #due = new Set<number>();
  readonly #listeners = new Set<(entry: LoggedEvent) => void>();
  #seq = 0;
  #flushing = false;

  constructor(api: Api, rest: RestPort, options: { capacity?: number } = {}) {
    this.#rest = rest;
    this.#capacity = options.capacity ?? DEFAULT_CAPACITY;
    api.on('photo.changed', (photo) => this.#changed(photo.id));
    api.on('analysis.changed', ({ photoId }) => this.#changed(photoId));
    api.on('recipe.changed', ({ photoId }) => this.#changed(photoId));
    api.on('render.done', ({ photoId }) => this.#changed(photoId));
    api.on('job.progress', ({ subject }) => subject !== null && this.#changed(Number(subject)));
  }

  idOf(entry: LoggedEvent): string {
    return `${this.#run}-${entry.seq}`;
  }

  /** Live changes from now on; returns the unsubscribe. */
  subscribe(listener: (entry: LoggedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** What a client whose last event was `lastEventId` missed. */
  resume(lastEventId: string): Resume {
    const match = /^([0-9a-f]{8})-(\d{1,15})$/.exec(lastEventId.trim());
    if (!match || match[1] !== this.#run) return { reset: 'The last event id is from an earlier run of the server, or not one of its ids: list the photos again with GET /photos?since=.' };
    const seq = Number(match[2]);
    if (seq > this.#seq) return { reset: 'The last event id is ahead of this server: list the photos again with GET /photos?since=.' };
    const oldest = this.#kept[0]?.seq ?? this.#seq + 1;
    if (seq < oldest - 1) return { reset: `Events after ${lastEventId} are no longer kept (the last ${this.#capacity} are): list the photos again with GET /photos?since=.` };
    return { replay: this.#kept.filter((e) => e.seq > seq) };
  }

  #changed(id: number): void {
    if (!Number.isSafeInteger(id) || id < 1) return;
    this.#due.add(id);
    if (this.#flushing) return;
    this.#flushing = true;
    // Several changes of one photo within a tick are one look at its status.
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushing = false;
    for (const id of this.#due) {
      const event = this.#rest.event(id);
      if (!event || this.#last.get(id) === event.status) continue;
      this.#last.set(id, event.status);
      const entry = { seq: ++this.#seq, event };
      this.#kept.push(entry);
      if (this.#kept.length > this.#capacity) this.#kept.shift();
      for (const listener of this.#listeners) listener(entry);
    }
    this.#due.clear();
  }
}
