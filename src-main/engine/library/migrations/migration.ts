import type { Db } from '../database.ts';

/** One schema step. `up` runs inside a transaction that also bumps `PRAGMA user_version` to `version`. */
export type Migration = {
  version: number;
  name: string;
  up(db: Db): void;
};
