import type { Migration } from './migration.ts';

/**
 * A failed job's error code beside its message, so the failed-jobs page can group dead letters by
 * cause ("69 photos: faces model missing") and retry or discard a group at once. Jobs dead-lettered
 * before this kept their code only at the start of the message (invalid job data); the others read
 * as the generic job-failed.
 */
export const migration014: Migration = {
  version: 14,
  name: 'job-error-codes',
  up(db) {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN last_error_code TEXT;
      UPDATE jobs SET last_error_code = 'invalid-job-data' WHERE last_error LIKE 'invalid-job-data:%';
    `);
  },
};
