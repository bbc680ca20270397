import type { Migration } from './migration.ts';
import { migration001 } from './001-initial.ts';
import { migration002 } from './002-hash-cache.ts';
import { migration003 } from './003-recipes.ts';
import { migration004 } from './004-analysis.ts';
import { migration005 } from './005-photo-rating-flag.ts';
import { migration006 } from './006-uploads.ts';
import { migration007 } from './007-folder-policy.ts';
import { migration008 } from './008-job-indexes.ts';
import { migration009 } from './009-upload-request.ts';
import { migration010 } from './010-photo-text.ts';
import { migration011 } from './011-rest-api.ts';
import { migration012 } from './012-capture-instant.ts';
import { migration013 } from './013-upload-notices.ts';
import { migration014 } from './014-job-error-codes.ts';
import { migration015 } from './015-enhance-policy.ts';

/** Every schema step, in order. Append only: a shipped migration is never edited. */
export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011, migration012, migration013, migration014, migration015];

export type { Migration };
