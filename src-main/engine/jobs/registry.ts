import { JobKind } from '../../contract/index.ts';

/**
 * Every job kind has exactly one handler and nothing else is registered (Immich refuses a kind with
 * zero or two handlers). Checked at construction, so a missing handler fails at start, not when the
 * first such job arrives.
 */
export function assertHandlerRegistry(handlers: Record<string, unknown>): void {
  for (const kind of JobKind.options) {
    if (typeof handlers[kind] !== 'function') throw new Error(`No handler is registered for job kind "${kind}".`);
  }
  for (const key of Object.keys(handlers)) {
    if (!(JobKind.options as readonly string[]).includes(key)) {
      throw new Error(`A handler is registered for "${key}", which is not a job kind (known: ${JobKind.options.join(', ')}).`);
    }
  }
}

/** Slots per kind: 1 unless given; a positive integer for known kinds only. */
export function resolveConcurrency(given: Partial<Record<string, number>>): Record<JobKind, number> {
  for (const [key, value] of Object.entries(given)) {
    if (!(JobKind.options as readonly string[]).includes(key)) throw new Error(`Concurrency is set for "${key}", which is not a job kind.`);
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new Error(`Concurrency for "${key}" must be a whole number of at least 1 (got ${value}).`);
    }
  }
  return Object.fromEntries(JobKind.options.map((kind) => [kind, given[kind] ?? 1])) as Record<JobKind, number>;
}
