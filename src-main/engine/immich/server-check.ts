import type { ImmichClient } from './immich-client.ts';
import { ImmichError } from './immich-error.ts';

/** Scopes the uploader uses. The last two are needed only to replace a re-rendered file. */
export const REQUIRED_SCOPES = ['asset.upload', 'asset.read', 'asset.update', 'album.create', 'album.read', 'albumAsset.create', 'stack.create'] as const;
export const RE_RENDER_SCOPES = ['stack.update', 'asset.delete'] as const;

export type CheckName = 'reachable' | 'version' | 'auth' | 'permissions';
export type ServerCheck = { name: CheckName; ok: boolean; message: string };
export type ServerCheckResult = { ok: boolean; version: string | null; checks: ServerCheck[] };

/** The API this uploader speaks (no deviceAssetId, metadata endpoints) arrived with v3. */
const MIN_MAJOR = 3;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * What a settings screen shows for a server + key. Every check runs, reading only: nothing is
 * created on the server. Scopes come from GET /api-keys/me when the server has it; otherwise each
 * scope that a read-only call can prove is probed and the rest are reported as unverified.
 */
export async function checkImmich(client: ImmichClient, call: { signal?: AbortSignal } = {}): Promise<ServerCheckResult> {
  const checks: ServerCheck[] = [];
  let version: string | null = null;

  try {
    await client.ping(call);
    checks.push({ name: 'reachable', ok: true, message: `${client.baseUrl} answered` });
  } catch (error) {
    checks.push({ name: 'reachable', ok: false, message: `Cannot reach ${client.baseUrl}: ${describe(error)}` });
    return { ok: false, version, checks };
  }

  try {
    const v = await client.version(call);
    version = `${v.major}.${v.minor}.${v.patch}`;
    const ok = v.major >= MIN_MAJOR;
    checks.push({ name: 'version', ok, message: ok ? `Immich ${version}` : `Immich ${version} is too old: Lightbox needs ${MIN_MAJOR}.0 or later` });
  } catch (error) {
    checks.push({ name: 'version', ok: false, message: `Could not read the server version: ${describe(error)}` });
  }

  let granted: readonly string[] | null = null;
  let authFailed = false;
  try {
    granted = (await client.myApiKey(call)).permissions;
    checks.push({ name: 'auth', ok: true, message: 'The API key is accepted' });
  } catch (error) {
    if (error instanceof ImmichError && error.kind === 'auth') {
      authFailed = true;
      checks.push({ name: 'auth', ok: false, message: `The API key was refused: ${error.message}. Create a key in Immich (Account settings > API keys).` });
    } else if (!(error instanceof ImmichError && (error.kind === 'not-found' || error.kind === 'invalid'))) {
      checks.push({ name: 'auth', ok: false, message: `Could not check the API key: ${describe(error)}` });
      authFailed = true;
    }
  }

  if (!authFailed && granted === null) {
    // No /api-keys/me: an empty duplicate check needs asset.upload and changes nothing.
    const probes: Array<[string, () => Promise<unknown>]> = [
      ['asset.upload', () => client.bulkCheck([{ id: 'probe', checksum: '0'.repeat(40) }], call)],
      ['album.read', () => client.getAllAlbums(call)],
    ];
    const proven: string[] = [];
    const missing: string[] = [];
    for (const [scope, probe] of probes) {
      try {
        await probe();
        proven.push(scope);
      } catch (error) {
        if (error instanceof ImmichError && error.kind === 'auth' && error.status === 401) {
          authFailed = true;
          break;
        }
        if (error instanceof ImmichError && error.kind === 'auth') missing.push(scope);
        else throw error;
      }
    }
    checks.push(authFailed ? { name: 'auth', ok: false, message: 'The API key was refused (401)' } : { name: 'auth', ok: true, message: 'The API key is accepted' });
    if (!authFailed) {
      const unverified = [...REQUIRED_SCOPES, ...RE_RENDER_SCOPES].filter((s) => !proven.includes(s) && !missing.includes(s));
      checks.push({
        name: 'permissions',
        ok: missing.length === 0,
        message:
          (missing.length ? `Missing: ${missing.join(', ')}. ` : '') +
          `Verified: ${proven.join(', ') || 'none'}. Not verifiable without writing on this server: ${unverified.join(', ')}.`,
      });
    }
  } else if (granted !== null) {
    const all = granted.includes('all');
    const missing = all ? [] : REQUIRED_SCOPES.filter((s) => !granted.includes(s));
    const missingReRender = all ? [] : RE_RENDER_SCOPES.filter((s) => !granted.includes(s));
    checks.push({
      name: 'permissions',
      ok: missing.length === 0,
      message:
        missing.length === 0
          ? `The key has every scope uploads need${missingReRender.length ? `; replacing re-rendered files also needs ${missingReRender.join(', ')}` : ''}`
          : `The key lacks ${missing.join(', ')}. Give it: ${[...REQUIRED_SCOPES, ...RE_RENDER_SCOPES].join(', ')}.`,
    });
  }

  return { ok: checks.every((c) => c.ok) && checks.some((c) => c.name === 'permissions'), version, checks };
}
