import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError, type Api, type EventPayload, type Photo, type Preset } from '../contract/index.ts';
import { createEngine } from '../engine/engine.ts';
import { writeFileAtomic } from '../engine/render/atomic-write.ts';
import { defaultLibraryDir } from './default-library.ts';
import { UsageError } from './usage-error.ts';

/**
 * `lightbox presets list | apply NAME PHOTO... | import FILE | export NAME [--out FILE]`, all with
 * [--library DIR]. Everything goes through the engine's Api, as the UI's calls do.
 */
export async function presetsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { library: { type: 'string' }, json: { type: 'boolean', default: false }, out: { type: 'string' } },
  });
  const [sub, ...rest] = positionals;
  if (!sub || !['list', 'apply', 'import', 'export'].includes(sub)) throw new UsageError('lightbox presets needs list, apply, import or export.');
  if (sub === 'apply' && rest.length < 2) throw new UsageError('lightbox presets apply needs a preset name (or id) and at least one photo.');
  if ((sub === 'import' || sub === 'export') && rest.length !== 1) throw new UsageError(`lightbox presets ${sub} needs exactly one ${sub === 'import' ? 'file' : 'preset'}.`);
  const libraryDir = path.resolve(values.library ?? defaultLibraryDir());
  const engine = await createEngine({ libraryDir, watchFolders: false });
  try {
    const api = engine.api;
    if (sub === 'list') {
      const presets = await api.call('presets.list', {});
      if (values.json) process.stdout.write(`${JSON.stringify(presets)}\n`);
      else if (presets.length === 0) console.log('No presets in this library.');
      else for (const p of presets) console.log(`${p.id.padEnd(28)} ${p.name}  (${p.steps.map((s) => s.op).join(', ')})`);
      return 0;
    }
    if (sub === 'import') {
      const preset = await api.call('presets.import', { json: await readFile(rest[0]!, 'utf8') });
      console.log(`Imported "${preset.name}" as ${preset.id}.`);
      return 0;
    }
    const preset = await findPreset(api, rest[0]!);
    if (!preset) {
      console.error(`lightbox: not-found: There is no preset named "${rest[0]}" in ${libraryDir}. "lightbox presets list" shows them.`);
      return 1;
    }
    if (sub === 'export') {
      const { json } = await api.call('presets.export', { id: preset.id });
      if (values.out) await writeFileAtomic(path.resolve(values.out), json);
      else process.stdout.write(json);
      return 0;
    }
    return await applyPreset(engine, preset, rest.slice(1), values.json, libraryDir);
  } catch (error) {
    if (error instanceof ApiError) {
      console.error(`lightbox: ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await engine.close();
  }
}

async function findPreset(api: Api, idOrName: string): Promise<Preset | null> {
  const presets = await api.call('presets.list', {});
  return presets.find((p) => p.id === idOrName) ?? presets.find((p) => p.name.toLowerCase() === idOrName.toLowerCase()) ?? null;
}

type Engine = Awaited<ReturnType<typeof createEngine>>;

async function applyPreset(engine: Engine, preset: Preset, args: string[], json: boolean, libraryDir: string): Promise<number> {
  const api = engine.api;
  const all = (await api.call('photos.list', { limit: 100_000 })).photos;
  const photos: Photo[] = [];
  const unknown: string[] = [];
  for (const arg of args) {
    const photo = await resolvePhoto(arg, all, libraryDir);
    if (!photo) unknown.push(arg);
    else if (!photos.some((p) => p.id === photo.id)) photos.push(photo);
  }
  for (const arg of unknown) console.error(`lightbox: not-found: "${arg}" is neither a photo id nor a file in ${libraryDir}.`);
  if (photos.length === 0) return 1;

  const rendered = new Map<number, EventPayload<'render.done'>>();
  const stop = api.on('render.done', (done) => rendered.set(done.photoId, done));
  try {
    await engine.start();
    await api.call('presets.apply', { presetId: preset.id, photoIds: photos.map((p) => p.id) });
    await engine.whenIdle();
  } finally {
    stop();
  }
  const results = await Promise.all(photos.map(async (photo) => {
    const { revision } = await api.call('recipe.get', { photoId: photo.id });
    const done = rendered.get(photo.id);
    const output = done?.revision === revision ? done.outputs[0] : undefined;
    return { photoId: photo.id, fileName: photo.fileName, revision, rendered: output?.path ?? null };
  }));
  if (json) process.stdout.write(`${JSON.stringify({ preset: preset.id, results, unknown })}\n`);
  else for (const r of results) console.log(`${r.fileName} (photo ${r.photoId}): revision ${r.revision}, ${r.rendered ?? 'NOT rendered'}`);
  const failed = results.filter((r) => !r.rendered);
  if (failed.length > 0) console.error(`lightbox: render-failed: ${failed.length} photo(s) were not rendered; "lightbox serve" shows the errors in the queue panel.`);
  return failed.length > 0 || unknown.length > 0 ? 1 : 0;
}

/** A photo id, the path a photo was ingested from, its original in the library, or any file with the same bytes. */
async function resolvePhoto(arg: string, all: Photo[], libraryDir: string): Promise<Photo | null> {
  if (/^\d+$/.test(arg)) return all.find((p) => p.id === Number(arg)) ?? null;
  const absolute = path.resolve(arg);
  const byPath = all.find((p) => p.sourcePath === absolute || (p.originalPath && path.resolve(libraryDir, p.originalPath) === absolute));
  if (byPath) return byPath;
  const bytes = await readFile(absolute).catch(() => null);
  if (!bytes) return null;
  const sha = createHash('sha256').update(bytes).digest('hex');
  return all.find((p) => p.sha256 === sha) ?? null;
}
