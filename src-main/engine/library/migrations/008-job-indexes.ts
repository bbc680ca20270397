import type { Migration } from './migration.ts';

/**
 * Indexes for the two questions the queue asks after every job (measured with better-sqlite3 on
 * 5,000 jobs, most of them done):
 * - "the next job of this kind": the claim orders by `priority DESC, id`, the first index had
 *   `priority` ascending, so every claim sorted the kind's whole backlog in a temporary b-tree
 *   (~0.35 ms with 2,000 queued, growing with the card); in the query's own order it is ~3 us;
 * - "when does something fall due": without an index on the state it scanned every job ever run,
 *   done ones included; with (state, run_after) it reads one entry for the retries and walks only
 *   the running jobs (a handful) for the leases.
 * Each index costs on every state change, so there is no third one for the leases. The claim names
 * its index (INDEXED BY in jobs-repo.ts): with both present SQLite picked (state, run_after) for it
 * and walked the whole backlog again (77 us for a claim that found nothing, 3 us with jobs_claim).
 */
export const migration008: Migration = {
  version: 8,
  name: 'job-indexes',
  up(db) {
    db.exec(`
      DROP INDEX jobs_claim;
      CREATE INDEX jobs_claim ON jobs(kind, state, priority DESC, id);
      CREATE INDEX jobs_wake ON jobs(state, run_after);
    `);
  },
};
