import type { Migration } from './migration.ts';

/**
 * Issue 17: the capture time resolved as Immich resolves it (engine/media/capture-instant.ts), so
 * the loupe shows the zone and an upload sends the instant Immich will itself find.
 *
 * `capture_wall` is the wall-clock time there (null: not resolved yet, for photos read by an older
 * Lightbox; photoCaptureInstant then works from capture_local and the GPS columns);
 * `capture_instant` the ISO time with its offset and `capture_zone` Immich's zone name, both null
 * when no zone could be found. Nothing can be filled in here: resolving needs the files.
 */
export const migration012: Migration = {
  version: 12,
  name: 'capture-instant',
  up(db) {
    db.exec(`
      ALTER TABLE photos ADD COLUMN capture_wall TEXT;
      ALTER TABLE photos ADD COLUMN capture_instant TEXT;
      ALTER TABLE photos ADD COLUMN capture_zone TEXT;
      ALTER TABLE photos ADD COLUMN capture_zone_source TEXT
        CHECK (capture_zone_source IN ('maker-note', 'offset-tag', 'gps', 'date-offset', 'gps-clock', 'utc-date'));
    `);
  },
};
