import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImmichStatus } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';
import { renderingProcessedSource } from './test-processed-source.ts';
import { onDouble, startTestServer, type TestServer } from './test-server.ts';

const SOURCES = ['jpeg/camera/Apple_iPhone_4.jpg', 'jpeg/camera/Canon_EOS_7D.jpg', 'jpeg/camera/Nikon_D5000.jpg', 'jpeg/camera/HTC_Desire.jpg'];
const OUTAGE_MS = 120_000;

/**
 * The "a 2-minute outage loses nothing", in real time: a server that refuses connections
 * for two minutes must not use up a photo's retries or land it in the dead letters. Its own file,
 * so the other test files run beside its long wait.
 */
describe.skipIf(!hasCorpus || !onDouble)('Immich: a two-minute outage', () => {
  let server: TestServer;
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    server = await startTestServer();
    inbox = await tempDir('lightbox-outage-in-');
    library = await tempDir('lightbox-outage-lib-');
  });
  afterAll(async () => {
    await server?.close();
    await inbox?.cleanup();
    await library?.cleanup();
  });

  it('waits offline through it, then uploads every pair once', async () => {
    for (const rel of SOURCES) await copyFile(corpusPath(rel), path.join(inbox.path, path.basename(rel)));
    const processedSource = renderingProcessedSource(library.path);
    // Real retry settings (a few attempts, seconds apart) and a probe capped at 5 s, so the test
    // ends soon after the server is back; the outage is far longer than all retries of one upload.
    const engine = await createEngine({
      libraryDir: library.path,
      watchFolders: false,
      immich: { serverUrl: server.url, apiKey: server.apiKey, defaultUpload: { what: 'both', albumName: 'Long outage' }, processedSource, retry: { baseMs: 500, capMs: 4000, maxAttempts: 4 }, offlineProbe: { baseMs: 1000, capMs: 5000 } },
    });
    try {
      const statuses: ImmichStatus[] = [];
      engine.api.on('immich.status', (s) => statuses.push(s));
      let downAt = 0;
      engine.api.on('upload.progress', (p) => {
        if (p.step === 'original' && !downAt) {
          downAt = Date.now();
          void server.double!.faults.downFor(OUTAGE_MS);
        }
      });
      const summary = await engine.processOnce([inbox.path]);
      const waited = Date.now() - downAt;

      expect(downAt).toBeGreaterThan(0);
      expect(waited).toBeGreaterThanOrEqual(OUTAGE_MS);
      expect(statuses.some((s) => !s.online)).toBe(true);
      expect(statuses.at(-1)?.online).toBe(true);
      expect(summary.immich).toEqual({ uploaded: 4, duplicates: 0, stacked: 4, failed: [], waiting: 0, notices: [] });
      expect(await engine.api.call('queue.deadLetters', {})).toEqual([]);
      const assets = server.double!.state.assets;
      expect(assets).toHaveLength(8);
      expect(new Set(assets.map((a) => a.checksumHex)).size).toBe(8);
      expect(server.double!.state.stacks).toHaveLength(4);
      console.log(`outage of ${OUTAGE_MS / 1000} s: everything uploaded ${((waited - OUTAGE_MS) / 1000).toFixed(1)} s after the server came back`);
    } finally {
      await engine.close();
      await processedSource.close();
    }
  }, OUTAGE_MS + 90_000);
});
