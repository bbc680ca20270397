import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CheckResult } from '../doctor/checks.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { FileSecretStore } from './api-key-store.ts';
import { createImmichClient } from './immich-client.ts';
import { checkImmich } from './server-check.ts';

/** The server URL stored in a library, read without migrating or locking it (doctor only looks). */
export function storedImmichUrl(libraryDir: string): string | null {
  const file = libraryLayout(libraryDir).database;
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare<[], { value_json: string }>(`SELECT value_json FROM settings WHERE key = 'immich'`).get();
    const value = row ? (JSON.parse(row.value_json) as { serverUrl?: unknown }) : null;
    return typeof value?.serverUrl === 'string' ? value.serverUrl : null;
  } catch {
    // An older library without the table or the key: nothing is configured.
    return null;
  } finally {
    db.close();
  }
}

/**
 * `lightbox doctor`'s Immich checks (version, auth, permissions), when a server is given
 * (`--immich-url`, key from IMMICH_API_KEY) or configured in the library (key from its key store).
 */
export async function checkImmichForDoctor(options: { libraryDir: string; serverUrl?: string | undefined; apiKey?: string | undefined }): Promise<CheckResult[]> {
  const serverUrl = options.serverUrl ?? storedImmichUrl(options.libraryDir);
  if (!serverUrl) return [];
  const apiKey = options.apiKey ?? (await new FileSecretStore(path.join(libraryLayout(options.libraryDir).root, 'immich-keys.json')).get(serverUrl));
  if (!apiKey) {
    return [{ name: 'immich', ok: false, detail: `No API key for ${serverUrl}`, fix: 'Set IMMICH_API_KEY, or enter a key in Settings (Immich: Account settings > API keys).' }];
  }
  const result = await checkImmich(createImmichClient({ baseUrl: serverUrl, apiKey, timeoutMs: 10_000 }));
  return result.checks.map((check) => ({
    name: `immich ${check.name}`,
    ok: check.ok,
    detail: check.message,
    ...(check.ok ? {} : { fix: FIXES[check.name] }),
  }));
}

const FIXES: Record<string, string> = {
  reachable: 'Check the server address (with http:// or https://) and that Immich is running.',
  version: 'Update Immich to version 3 or later.',
  auth: 'Create a new API key in Immich (Account settings > API keys) and enter it.',
  permissions: 'Give the key the permissions listed above, or create one with "all".',
};
