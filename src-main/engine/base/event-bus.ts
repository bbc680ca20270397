import type { EventName, EventPayload, Unsubscribe } from '../../contract/index.ts';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/** The engine's outgoing events; both transports subscribe here. A throwing listener cannot break others. */
export class EventBus {
  #listeners = new Map<EventName, Set<Listener<never>>>();

  on<E extends EventName>(event: E, listener: Listener<E>): Unsubscribe {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Whether anyone listens: lets an emitter skip building a payload nobody reads. */
  has(event: EventName): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        console.error(`[lightbox] listener for ${event} failed:`, error);
      }
    }
  }
}
