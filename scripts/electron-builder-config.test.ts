import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, glob, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import asar from '@electron/asar';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * electron-builder.yml, checked without Electron (which cannot start here, so nothing can be
 * packed): the targets and settings the release needs, and that every file it names exists
 * once the app is built.
 */
const root = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

type Platform = { target: string[]; icon: string };
type BuilderConfig = {
  appId: string;
  productName: string;
  npmRebuild: boolean;
  asar?: boolean;
  files: string[];
  asarUnpack: string[];
  extraMetadata: { main: string };
  directories: { buildResources: string };
  linux: Platform;
  mac: Platform;
  win: Platform;
};
const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

const positive = (patterns: string[]) => patterns.filter((p) => !p.startsWith('!'));
const included = (file: string, patterns: string[]) =>
  positive(patterns).some((p) => path.matchesGlob(file, p)) && !patterns.filter((p) => p.startsWith('!')).some((p) => path.matchesGlob(file, p.slice(1)));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('builds AppImage and deb, dmg and nsis, under a reverse-DNS app id, without rebuilding native modules', () => {
    expect(config.appId).toMatch(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+){2,}$/);
    expect(config.productName).toBe('Lightbox');
    expect(config.npmRebuild).toBe(false);
    expect(config.asar).not.toBe(false);
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.directories.buildResources).toBe('resources');
  });

  it('takes its icons from resources/, large enough for every platform', () => {
    for (const platform of [config.linux, config.mac, config.win]) expect(platform.icon.startsWith('resources/')).toBe(true);
    // Linux: a folder of NxN.png files, each really N×N.
    const linuxIcons = path.join(root, config.linux.icon);
    const sized = readdirSync(linuxIcons).filter((name) => /^\d+x\d+\.png$/.test(name));
    expect(sized.length).toBeGreaterThan(0);
    for (const name of sized) {
      const [w, h] = name.replace('.png', '').split('x').map(Number);
      expect(pngSize(path.join(linuxIcons, name))).toEqual({ width: w, height: h });
    }
    // macOS needs ≥ 512 px to make an .icns, Windows ≥ 256 px for an .ico.
    expect(pngSize(path.join(root, config.mac.icon)).width).toBeGreaterThanOrEqual(512);
    expect(pngSize(path.join(root, config.win.icon)).width).toBeGreaterThanOrEqual(256);
  });

  it('packs every model weight and the manifest, and unpacks them from the asar', () => {
    const weights = weightFiles();
    expect(weights.length).toBeGreaterThanOrEqual(3);
    for (const file of ['models/manifest.json', ...weights]) {
      expect(included(file, config.files), `${file} is packed`).toBe(true);
      expect(config.asarUnpack.some((p) => path.matchesGlob(file, p)), `${file} is unpacked`).toBe(true);
    }
    // ...and the native modules that load their own binaries.
    for (const dir of ['sharp', 'onnxruntime-node', 'better-sqlite3']) {
      expect(config.asarUnpack.some((p) => path.matchesGlob(`node_modules/${dir}/x.node`, p)), dir).toBe(true);
    }
  });

  it('really unpacks the weights when electron-builder packs an app with this file (a miniature app, a stand-in Electron)', async () => {
    // electron-builder --linux dir runs offline when given an Electron folder and version; the
    // "Electron" here is a stub script, which is all a `dir` target copies.
    const work = await mkdtemp(path.join(os.tmpdir(), 'lightbox-pack-'));
    try {
      const app = path.join(work, 'app');
      const fakeElectron = path.join(work, 'electron-dist');
      await mkdir(fakeElectron);
      await writeFile(path.join(fakeElectron, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
      const stub = async (file: string, text = 'x') => {
        await mkdir(path.dirname(path.join(app, file)), { recursive: true });
        await writeFile(path.join(app, file), text);
      };
      await stub('package.json', JSON.stringify({ name: 'lightbox', version: '0.0.1', description: 'test', author: 'test', main: config.extraMetadata.main }));
      await stub(config.extraMetadata.main);
      await stub('dist/src-main/shell/preload.cjs');
      await stub('dist/src-main/shell/main.test.js');
      await stub('dist/src-main/shell/main.js.map');
      await stub('dist/renderer/index.html', '<!doctype html>');
      await cp(path.join(root, 'electron-builder.yml'), path.join(app, 'electron-builder.yml'));
      await cp(path.join(root, 'resources'), path.join(app, 'resources'), { recursive: true });
      await cp(path.join(root, 'models', 'manifest.json'), path.join(app, 'models', 'manifest.json'));
      for (const file of weightFiles()) await stub(file, `weights of ${file}`);

      const electronVersion = (JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
      const out = path.join(work, 'out');
      const result = spawnSync(bin('electron-builder'), ['--linux', 'dir', `-c.electronDist=${fakeElectron}`, `-c.electronVersion=${electronVersion}`, `-c.directories.output=${out}`], {
        cwd: app,
        encoding: 'utf8',
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);

      const resources = path.join(out, 'linux-unpacked', 'resources');
      for (const file of ['models/manifest.json', ...weightFiles()]) {
        expect(readFileSync(path.join(resources, 'app.asar.unpacked', file), 'utf8'), file).toBe(file === 'models/manifest.json' ? readFileSync(path.join(root, file), 'utf8') : `weights of ${file}`);
      }
      const packed = asar.listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((p) => p.split(path.sep).join('/'));
      for (const file of ['/package.json', `/${config.extraMetadata.main}`, '/dist/src-main/shell/preload.cjs', '/dist/renderer/index.html', '/resources/icons/icon.png']) {
        expect(packed, file).toContain(file);
      }
      expect(packed.filter((p) => p.startsWith('/dist/') && (p.includes('.test.') || p.endsWith('.map')))).toEqual([]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 120_000);

  describe('after the build', () => {
    beforeAll(() => {
      // What a release build runs: the main process (tsc) and the UI (vite). `npm test` built the UI
      // before the tests started; building it again here would empty dist/renderer under the e2e
      // tests running beside this file, so vite runs only when the UI was never built (this file alone).
      const env = { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` };
      const steps: Array<readonly [string, readonly string[]]> = [[bin('tsc'), ['-b']]];
      if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) steps.push(['npm', ['run', 'build:renderer', '--silent']]);
      for (const [command, args] of steps) {
        const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf8' });
        expect(result.status, `${command} ${args.join(' ')}: ${result.stderr}${result.stdout}`).toBe(0);
      }
    }, 300_000);

    it('names only files that exist: the main entry, the preload, the UI, the weights, the icons', async () => {
      const main = path.join(root, config.extraMetadata.main);
      expect(existsSync(main), main).toBe(true);
      expect(existsSync(path.join(path.dirname(main), 'preload.cjs'))).toBe(true);
      expect(existsSync(path.join(root, 'dist', 'renderer', 'index.html'))).toBe(true);
      for (const pattern of positive(config.files)) {
        const matches: string[] = [];
        for await (const file of glob(pattern, { cwd: root })) {
          if (statSync(path.join(root, file)).isFile() && included(file, config.files)) matches.push(file);
          if (matches.length > 0) break;
        }
        expect(matches, `files pattern ${pattern} matches nothing`).not.toEqual([]);
      }
      for (const file of weightFiles()) expect(statSync(path.join(root, file), { throwIfNoEntry: false })?.size ?? 0, `${file}: run \`npm run models\``).toBeGreaterThan(0);
    });
  });
});

/** Every weight file the model manifest names (a multi-file model's companions too). */
function weightFiles(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, 'models', 'manifest.json'), 'utf8')) as { models: { file: string; companions?: { file: string }[] }[] };
  return manifest.models.flatMap((m) => [m.file, ...(m.companions ?? []).map((c) => c.file)]).map((f) => `models/weights/${f}`);
}
