import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiTokenScope, RestPhoto, RestStatus } from '../../contract/index.ts';
import { createEngine } from '../../engine/engine.ts';
import { corpusPath, readManifest } from '../../../test-support/corpus.ts';
import { tempDir, waitFor } from '../../../test-support/temp-dir.ts';
import { createHttpServer, type RunningHttpServer } from '../http-server.ts';
import type { RateLimit } from './rate-limit.ts';

/**
 * A real engine (temp library, real SQLite and sharp; analysis off so a photo settles in a second)
 * behind a real server, driven with plain fetch as a script would. Shared by the REST tests.
 */
export type RestHarness = {
  base: string;
  port: number;
  sessionToken: string;
  libraryDir: string;
  engine: Awaited<ReturnType<typeof createEngine>>;
  server: RunningHttpServer;
  call(pathname: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  submit(bytes: Buffer, fileName: string, fields?: Record<string, string>, token?: string): Promise<Response>;
  waitForStatus(id: number, status: RestStatus, token?: string): Promise<RestPhoto>;
  createToken(name: string, scope: ApiTokenScope): Promise<string>;
  /** Files anywhere in the library whose name says they are half-written (`.lbtmp`), and what the inbox holds. */
  leftovers(): Promise<{ temp: string[]; inbox: string[] }>;
  close(): Promise<void>;
};

export async function startRestHarness(options: { rateLimit?: RateLimit; maxUploadBytes?: number } = {}): Promise<RestHarness> {
  const dir = await tempDir('lightbox-rest-');
  const libraryDir = path.join(dir.path, 'library');
  const staticDir = path.join(dir.path, 'ui');
  const engine = await createEngine({ libraryDir, watchFolders: false, tuning: { analysis: { enabled: false } } });
  await engine.start();
  const server = await createHttpServer({
    api: engine.api,
    resolveMedia: engine.resolveMedia,
    staticDir,
    port: 0,
    rest: { port: engine.rest, limits: { maxUploadBytes: options.maxUploadBytes ?? 8 * 1024 * 1024 }, rateLimit: options.rateLimit ?? { perSecond: 200, burst: 200 } },
    log: () => {},
  });
  const base = `http://127.0.0.1:${server.port}/api/v1`;
  const call = (pathname: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token = server.token, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== null) headers.set('Authorization', `Bearer ${token}`);
    return fetch(`${base}${pathname}`, { ...rest, headers });
  };
  const submit = (bytes: Buffer, fileName: string, fields: Record<string, string> = {}, token?: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), fileName);
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return call('/photos', { method: 'POST', body: form, ...(token ? { token } : {}) });
  };
  const waitForStatus = (id: number, status: RestStatus, token?: string) =>
    waitFor(`photo ${id} to be ${status}`, async () => {
      const photo = (await (await call(`/photos/${id}`, token ? { token } : {})).json()) as RestPhoto;
      if (photo.status === 'failed' && status !== 'failed') throw new Error(`photo ${id} failed: ${JSON.stringify(photo.error)}`);
      return photo.status === status ? photo : null;
    }, 30_000);
  const createToken = async (name: string, scope: ApiTokenScope) => (await engine.api.call('apiTokens.create', { name, scope })).secret;
  const leftovers = async () => {
    const all = await readdir(libraryDir, { recursive: true });
    const inbox = await readdir(path.join(libraryDir, 'inbox'), { recursive: true }).catch(() => []);
    return { temp: all.filter((f) => f.endsWith('.lbtmp')), inbox };
  };
  return {
    base,
    port: server.port,
    sessionToken: server.token,
    libraryDir,
    engine,
    server,
    call,
    submit,
    waitForStatus,
    createToken,
    leftovers,
    async close() {
      await server.close();
      await engine.close();
      await dir.cleanup();
    },
  };
}

/** Small, well-formed camera JPEGs of the corpus, upright (orientation 1), as bytes. */
export async function smallJpegs(count: number): Promise<Array<{ name: string; bytes: Buffer; width: number; height: number }>> {
  const rows = readManifest().filter((r) => r.format === 'JPEG' && r.path.startsWith('jpeg/camera/') && r.vipsHeader === 'ok' && r.bytes < 1_000_000 && !r.notes && (r.orientation ?? 1) === 1 && r.width && r.height);
  if (rows.length < count) throw new Error(`The corpus has only ${rows.length} small upright camera JPEGs; ${count} needed.`);
  return Promise.all(rows.slice(0, count).map(async (r) => ({ name: path.basename(r.path), bytes: await readFile(corpusPath(r.path)), width: r.width!, height: r.height! })));
}
