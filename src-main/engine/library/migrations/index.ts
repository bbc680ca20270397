import type { Migration } from './migration.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-hash-cache.ts';
import { migration003 } from './003-recipes.ts';
import { migration004 } from './004-analysis.ts';

/** Every schema step, in order. Append only: a shipped migration is never edited. */
export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004];

export type { Migration };
