import type { EventName, Unsubscribe } from '../contract.ts';

/** Event listeners by name; a throwing listener must not starve the others. */
export class Listeners {
  #byName = new Map<string, Set<(payload: never) => void>>();

  add(name: EventName, listener: (payload: never) => void): Unsubscribe {
    let set = this.#byName.get(name);
    if (!set) this.#byName.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit(name: EventName, payload: unknown): void {
    for (const listener of this.#byName.get(name) ?? []) {
      try {
        (listener as (payload: unknown) => void)(payload);
      } catch (error) {
        console.error(`[lightbox] listener for ${name} failed`, error);
      }
    }
  }
}
