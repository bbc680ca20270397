import { sha256OfFile } from '../ingest/hash-file.ts';

export type HashOutcome = { sha256: string } | { error: Error };

export type HashEachOptions = {
  /**
   * Requests handed to the hashing thread at once. Two keep it busy (the next file is opened while
   * the last chunk of this one is hashed) without queueing so much that an ingest's hash, which
   * shares the thread, waits behind a whole batch.
   */
  inFlight?: number;
  signal?: AbortSignal;
  /** Awaited before each file is sent: the scheduled check waits here while photos are imported. */
  beforeEach?: () => Promise<void>;
};

/**
 * SHA-256 of each file on the engine's hashing thread (ingest/hash-worker.ts), reported in
 * completion order through `done`. Never throws for a file (a vanished or unreadable file is an
 * outcome); throws only the signal's reason.
 */
export async function hashEach<T>(items: readonly T[], file: (item: T) => string, done: (item: T, outcome: HashOutcome) => void, options: HashEachOptions = {}): Promise<void> {
  const inFlight = Math.max(1, options.inFlight ?? 2);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      options.signal?.throwIfAborted();
      await options.beforeEach?.();
      if (next >= items.length) return;
      const item = items[next++]!;
      let outcome: HashOutcome;
      try {
        outcome = { sha256: await sha256OfFile(file(item), options.signal) };
      } catch (error) {
        options.signal?.throwIfAborted();
        outcome = { error: error as Error };
      }
      done(item, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, lane));
}
