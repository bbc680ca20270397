import type { Migration } from './migration.ts';

/**
 * Placeholder for version 3, which the recipes work (003-recipes.ts, another branch) owns. Versions
 * must be 1, 2, 3... with no gaps, and analysis is version 4; at merge 003-recipes.ts replaces this file.
 */
export const migration003: Migration = {
  version: 3,
  name: 'reserved',
  up() {},
};
