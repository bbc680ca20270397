import type { Migration } from './migration.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-hash-cache.ts';
import { migration006 } from './006-uploads.ts';

/** Every schema step, in order. Append only: a shipped migration is never edited. */
export const migrations: readonly Migration[] = [
  migration001,
  migration002,
  // wt-upload: 003-005 belong to other branches; until they land here 006 runs as version 3.
  // At merge: list migration006 as is, after migration005, and drop this renumbering.
  { ...migration006, version: 3 },
];

export type { Migration };
