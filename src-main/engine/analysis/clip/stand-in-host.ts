import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { STAND_IN_SPEC, type StandInClip } from './stand-in-clip.ts';

export type StandInHost = {
  /** The loopback origin the files are served from. */
  base: string;
  /** The `downloads` entry for the stand-in, as models/manifest.json lists a real CLIP. */
  entry: { id: string; version: string; task: 'embedding'; title: string; licence: string; licenceUrl: string; home: string; files: Array<{ name: string; url: string; bytes: number; sha256: string }>; clip: typeof STAND_IN_SPEC };
  close(): Promise<void>;
};

/**
 * Serves a stand-in CLIP over loopback HTTP as a model's home would (for tests and benchmarks of the
 * model manager), and writes a models folder whose manifest lists it (plus `extraDownloads`).
 */
export async function hostStandInClip(standIn: StandInClip, modelsDir: string, options: { id: string; version: string; extraDownloads?: (base: string, entry: StandInHost['entry']) => unknown[] }): Promise<StandInHost> {
  const server = http.createServer((req, res) => {
    const body = standIn.files[path.basename(req.url ?? '')];
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const files = Object.entries(standIn.files).map(([name, b]) => ({ name, url: `${base}/${name}`, bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') }));
  const entry = { id: options.id, version: options.version, task: 'embedding' as const, title: 'Stand-in CLIP', licence: 'MIT', licenceUrl: 'https://example.org/L', home: 'https://example.org/', files, clip: STAND_IN_SPEC };
  const downloads = [entry, ...(options.extraDownloads?.(base, entry) ?? [])];
  await writeFile(path.join(modelsDir, 'manifest.json'), JSON.stringify({ schema: 1, models: [], downloads }));
  return {
    base,
    entry,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
