import type { Db } from './database.ts';
import { migrations as allMigrations, type Migration } from './migrations/index.ts';

/** The database was written by a newer Lightbox: opening it could corrupt what that version stored. */
export class SchemaTooNewError extends Error {
  readonly found: number;
  readonly known: number;
  constructor(file: string, found: number, known: number) {
    super(
      `${file} uses schema version ${found}, but this Lightbox only knows versions up to ${known}: ` +
        'it was written by a newer Lightbox. Update Lightbox, or open a different library.',
    );
    this.name = 'SchemaTooNewError';
    this.found = found;
    this.known = known;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration above the database's `user_version`, each in its own transaction, so a
 * crash leaves the database at the last complete version. `list` defaults to all migrations; tests
 * pass a prefix to build older schemas.
 */
export function migrate(db: Db, list: readonly Migration[] = allMigrations): number {
  assertSequential(list);
  const known = list.length;
  const current = schemaVersion(db);
  if (current > known) throw new SchemaTooNewError(db.name, current, known);
  for (const migration of list.slice(current)) {
    db.transaction(() => {
      migration.up(db);
      // PRAGMA takes no bound parameters; the version is an integer we control.
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return schemaVersion(db);
}

export const latestVersion = allMigrations.length;

function assertSequential(list: readonly Migration[]): void {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration "${migration.name}" has version ${migration.version}; expected ${index + 1} (versions must be 1, 2, 3... with no gaps).`);
    }
  });
}
