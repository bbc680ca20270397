import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';
import { dispatch, forwardEvents } from './dispatch.ts';

/** The dispatcher against the real engine on a temp library: what both transports will answer. */
describe('dispatch', () => {
  let library: Awaited<ReturnType<typeof tempDir>>;
  let hot: Awaited<ReturnType<typeof tempDir>>;
  let engine: Awaited<ReturnType<typeof createEngine>>;
  let logged: string[];
  const log = (message: string) => logged.push(message);

  beforeEach(async () => {
    library = await tempDir('lightbox-dispatch-lib-');
    hot = await tempDir('lightbox-dispatch-hot-');
    engine = await createEngine({ libraryDir: library.path, watchFolders: false });
    logged = [];
  });

  afterEach(async () => {
    await engine.close();
    await library.cleanup();
    await hot.cleanup();
  });

  it('returns the parsed output of a valid call, with the contract defaults applied', async () => {
    const outcome = await dispatch(engine.api, 'folders.add', { path: hot.path }, log);
    expect(outcome).toMatchObject({ type: 'result', output: { path: hot.path, recursive: true, afterIngest: 'keep', enabled: true } });
    const info = await dispatch(engine.api, 'app.info', {}, log);
    expect(info).toMatchObject({ type: 'result', output: { name: 'Lightbox', mode: 'headless' } });
  });

  it('answers bad-request for an unknown command or input the contract rejects, without calling the engine', async () => {
    expect(await dispatch(engine.api, 'photos.burn', {}, log)).toMatchObject({ type: 'error', error: { code: 'bad-request' } });
    expect(await dispatch(engine.api, 42, {}, log)).toMatchObject({ type: 'error', error: { code: 'bad-request' } });
    const bad = await dispatch(engine.api, 'photos.get', { id: -3 }, log);
    expect(bad.type === 'error' && bad.error.code).toBe('bad-request');
    expect(bad.type === 'error' && bad.error.message).toContain('photos.get');
    // Empty is strict: an extra key is a client bug worth reporting, not ignoring.
    expect(await dispatch(engine.api, 'folders.list', { sneaky: true }, log)).toMatchObject({ type: 'error', error: { code: 'bad-request' } });
    expect(logged).toEqual([]);
  });

  it("passes the engine's own ApiError through with its code and sentence", async () => {
    expect(await dispatch(engine.api, 'photos.get', { id: 999 }, log)).toEqual({
      type: 'error',
      error: { code: 'not-found', message: 'There is no photo 999 in this library.' },
    });
    const missing = await dispatch(engine.api, 'folders.add', { path: `${hot.path}/does-not-exist` }, log);
    expect(missing).toMatchObject({ type: 'error', error: { code: 'bad-request' } });
  });

  it('forwards engine events after validating them', async () => {
    const seen: Array<{ event: string; payload: unknown }> = [];
    const stop = forwardEvents(engine.api, (event, payload) => seen.push({ event, payload }), log);
    await dispatch(engine.api, 'folders.add', { path: hot.path }, log);
    stop();
    await dispatch(engine.api, 'folders.remove', { id: 1 }, log);
    const folderEvents = seen.filter((e) => e.event === 'folder.changed');
    expect(folderEvents).toHaveLength(1);
    expect(folderEvents[0]?.payload).toMatchObject({ folders: [{ id: 1, path: hot.path }] });
  });
});
