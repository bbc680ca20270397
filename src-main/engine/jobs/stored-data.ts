import { z } from 'zod';
import type { JobKind } from '../../contract/index.ts';
import { jobDataSchemas, type JobData } from './kinds.ts';

export type ParsedData<K extends JobKind> = { ok: true; data: JobData<K> } | { ok: false; error: string };

/**
 * A stored job's data, validated against its kind's schema. The failure text is what the dead
 * letter shows, so it leads with the error code and says the job was not run.
 */
export function parseStoredData<K extends JobKind>(kind: K, json: string): ParsedData<K> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, error: `invalid-job-data: This ${kind} job's stored data is not valid JSON, so it was not run.` };
  }
  const parsed = jobDataSchemas[kind].safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data as JobData<K> };
  return {
    ok: false,
    error: `invalid-job-data: This ${kind} job's stored data does not match its schema, so it was not run. ${z.prettifyError(parsed.error)}`,
  };
}
