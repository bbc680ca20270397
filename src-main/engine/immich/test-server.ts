/**
 * The Immich the tests talk to: the project's double (default) or a real server when
 * IMMICH_TEST_URL and IMMICH_TEST_KEY are set. Fault-injection tests run only against the double.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../../test-support/corpus.ts';
import { createImmichClient, type ImmichClient } from './immich-client.ts';

export const realServer = process.env['IMMICH_TEST_URL'] && process.env['IMMICH_TEST_KEY'] ? { url: process.env['IMMICH_TEST_URL'], apiKey: process.env['IMMICH_TEST_KEY'] } : null;
export const onDouble = realServer === null;

type Scope = { path?: string | RegExp; method?: string };
/** The part of e2e/immich-double's API these tests use (loaded by URL: it sits outside this tsconfig project). */
export type DoubleLike = {
  url: string;
  apiKey: string;
  state: {
    readonly assets: ReadonlyArray<{
      id: string; checksumHex: string; size: number; isTrashed: boolean; stackId: string | null; originalFileName: string; tags: string[]; description: string; rating: number | null;
      fileCreatedAt: string; localDateTime: string; dateTimeOriginal: string | null; timeZone: string | null; latitude: number | null; longitude: number | null;
      metadata: Record<string, Record<string, unknown>>;
    }>;
    readonly stacks: ReadonlyArray<{ id: string; primaryAssetId: string; assetIds: string[] }>;
    readonly albums: ReadonlyArray<{ id: string; albumName: string; assetIds: string[] }>;
    readonly requests: ReadonlyArray<{ method: string; path: string; status: number; bytes: number; fault: string | undefined; durationMs: number; at: string }>;
    readonly uploads: ReadonlyArray<{ status: number; result: string; assetId: string | undefined; receivedSha1: string | undefined; bytes: number; filename: string | undefined; parts: string[] }>;
  };
  faults: {
    failNext(n: number, status?: number, options?: Scope & { asProxy?: boolean }): void;
    rateLimitNext(n: number, retryAfterSeconds: number, options?: Scope): void;
    delayMs(ms: number, scope?: Scope): void;
    dropConnectionMidUpload(n: number, scope?: Scope): void;
    downFor(ms: number): Promise<void>;
    reset(): Promise<void>;
  };
  setApiKeys(keys: ReadonlyArray<string | { key: string; permissions?: string[] }>): void;
  close(): Promise<void>;
};

export type TestServer = {
  url: string;
  apiKey: string;
  /** Null on a real server. */
  double: DoubleLike | null;
  client(apiKey?: string): ImmichClient;
  /** Assets to delete for good when the test ends (real server only; the double is thrown away). */
  track(...ids: Array<string | undefined>): void;
  close(): Promise<void>;
};

export async function startTestServer(options: { storageDir?: string } = {}): Promise<TestServer> {
  const tracked = new Set<string>();
  let double: DoubleLike | null = null;
  let url: string;
  let apiKey: string;
  if (realServer) {
    ({ url, apiKey } = realServer);
  } else {
    const href = pathToFileURL(path.join(projectRoot, 'e2e/immich-double/index.ts')).href;
    const mod = (await import(href)) as { startImmichDouble(o?: { storageDir?: string }): Promise<DoubleLike> };
    double = await mod.startImmichDouble(options.storageDir ? { storageDir: options.storageDir } : {});
    ({ url, apiKey } = double);
  }
  const client = (key = apiKey) => createImmichClient({ baseUrl: url, apiKey: key });
  return {
    url,
    apiKey,
    double,
    client,
    track: (...ids) => ids.forEach((id) => id && tracked.add(id)),
    async close() {
      if (double) return double.close();
      if (tracked.size) await client().deleteAssets([...tracked], { force: true });
    },
  };
}
