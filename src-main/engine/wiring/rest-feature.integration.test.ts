import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';

const JPEG = 'jpeg/camera/Apple_iPhone_4.jpg';
type Engine = Awaited<ReturnType<typeof createEngine>>;

/** Uploads through the engine's REST port, as the server does, into an engine that is not running yet. */
async function upload(engine: Engine, fields: { preset?: string; recipe?: string } = {}) {
  const tempPath = await engine.rest.uploadTempPath();
  await writeFile(tempPath, await readFile(corpusPath(JPEG)));
  return engine.rest.submit({ tempPath, fileName: 'IMG_4.jpg', sender: { tokenId: null, name: 'session' }, ...fields });
}

const open = (libraryDir: string) => createEngine({ libraryDir, watchFolders: false, tuning: { analysis: { enabled: false } } });

describe.skipIf(!hasCorpus)('uploads through the engine: crash safety and what the sender asked for', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let libraryDir: string;
  let engine: Engine | undefined;

  beforeEach(async () => {
    dir = await tempDir();
    libraryDir = path.join(dir.path, 'library');
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await dir.cleanup();
  });

  it('an upload recorded before a stop is ingested at the next start, and its inbox copy then removed', async () => {
    engine = await open(libraryDir);
    const submitted = await upload(engine);
    expect(submitted.status).toBe('pending');
    const inbox = await readdir(path.join(libraryDir, 'inbox'), { recursive: true });
    expect(inbox.filter((f) => f.endsWith('IMG_4.jpg'))).toHaveLength(1);
    // Stopped before a single job ran: the photo exists, its original does not yet.
    await engine.close();

    engine = await open(libraryDir);
    expect(engine.rest.photo(submitted.id).status).toBe('pending');
    await engine.start();
    await engine.whenIdle();
    const photo = engine.rest.photo(submitted.id);
    expect(photo.status).toBe('completed');
    expect(photo.processed?.revision).toBe(1);
    expect(await readdir(path.join(libraryDir, 'inbox'))).toEqual([]);
  });

  it('at start, removes half-written uploads and inbox files no job will read', async () => {
    await mkdir(path.join(libraryDir, 'inbox', 'abandoned'), { recursive: true });
    await writeFile(path.join(libraryDir, 'inbox', 'abandoned', 'x.jpg'), 'bytes a crash left between the rename and the job');
    await writeFile(path.join(libraryDir, 'inbox', '.upload-cut.lbtmp'), 'half an upload');
    engine = await open(libraryDir);
    await engine.start();
    expect(await readdir(path.join(libraryDir, 'inbox'))).toEqual([]);
  });

  it("applies the sender's recipe, then the preset, once, before analysis; a preset gone by then fails the photo with why", async () => {
    engine = await open(libraryDir);
    const preset = await engine.api.call('presets.import', {
      json: JSON.stringify({ id: 'bright', name: 'Bright', createdAt: '2026-01-01T00:00:00.000Z', steps: [{ op: 'exposure', v: 2, enabled: true, params: { ev: 0.5 }, source: 'user' }] }),
    });
    const recipe = JSON.stringify({ steps: [{ op: 'saturation', v: 1, enabled: true, params: { amount: 20 }, source: 'user' }] });
    const submitted = await upload(engine, { preset: 'bright', recipe });
    await engine.start();
    await engine.whenIdle();
    const photo = engine.rest.photo(submitted.id);
    expect(photo.status).toBe('completed');
    expect(photo.recipe?.steps.map((s) => [s.op, s.source])).toEqual([['saturation', 'user'], ['exposure', `preset:${preset.id}`]]);
    expect(photo.processed?.revision).toBe(photo.recipe?.revision);
    // A restart runs the setup again only for what is not done: no third revision.
    await engine.close();
    engine = await open(libraryDir);
    await engine.start();
    await engine.whenIdle();
    expect(engine.rest.photo(submitted.id).recipe?.revision).toBe(photo.recipe?.revision);
  });

  it('a preset deleted between the upload and its ingest fails the photo with the reason', async () => {
    engine = await open(libraryDir);
    await engine.api.call('presets.import', { json: JSON.stringify({ id: 'gone', name: 'Gone', createdAt: '2026-01-01T00:00:00.000Z', steps: [{ op: 'exposure', v: 2, enabled: true, params: { ev: 1 }, source: 'user' }] }) });
    const submitted = await upload(engine, { preset: 'gone' });
    await engine.api.call('presets.delete', { id: 'gone' });
    await engine.start();
    await engine.whenIdle();
    const photo = engine.rest.photo(submitted.id);
    expect(photo.status).toBe('failed');
    expect(photo.error).toMatchObject({ code: 'not-found', message: expect.stringContaining('gone') });
  });
});
