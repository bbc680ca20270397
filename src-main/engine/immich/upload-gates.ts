import type { AppError } from '../../contract/index.ts';

type Waiter = { resolve: () => void; reject: (error: unknown) => void; cleanup: () => void };

/** Stopping the engine releases every upload job that waits at a gate. */
export class GateClosedError extends Error {
  override readonly name = 'GateClosedError';
}

/**
 * A gate upload jobs wait at, holding their slot: closed while uploads are paused (a refused key:
 * only the user can fix it) or while the server is offline (a probe opens it when the server answers).
 * Waiting jobs burn no attempts, so a long outage or a key fixed next morning loses nothing.
 */
export class Gate {
  #open = true;
  #reason: AppError | null = null;
  #waiters = new Set<Waiter>();
  #closedForGood = false;
  #onChange: () => void;

  constructor(onChange: () => void = () => {}) {
    this.#onChange = onChange;
  }

  get isOpen(): boolean {
    return this.#open;
  }
  get reason(): AppError | null {
    return this.#reason;
  }

  close(reason: AppError): void {
    const changed = this.#open || this.#reason?.message !== reason.message;
    this.#open = false;
    this.#reason = reason;
    if (changed) this.#onChange();
  }

  open(): void {
    if (this.#open) return;
    this.#open = true;
    this.#reason = null;
    for (const waiter of [...this.#waiters]) {
      waiter.cleanup();
      waiter.resolve();
    }
    this.#onChange();
  }

  /** Resolves at once when open; otherwise when opened. Rejects on `signal` or `dispose()`. */
  pass(signal?: AbortSignal): Promise<void> {
    if (this.#closedForGood) return Promise.reject(new GateClosedError('Lightbox is stopping.'));
    if (this.#open) return Promise.resolve();
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        waiter.cleanup();
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        cleanup: () => {
          this.#waiters.delete(waiter);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  dispose(): void {
    this.#closedForGood = true;
    for (const waiter of [...this.#waiters]) {
      waiter.cleanup();
      waiter.reject(new GateClosedError('Lightbox is stopping.'));
    }
  }
}
