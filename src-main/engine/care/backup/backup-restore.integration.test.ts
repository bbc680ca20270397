import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupReport, BackupTarget, VerifyReport } from '../../../contract/index.ts';
import { hasCorpus } from '../../../../test-support/corpus.ts';
import { runCli } from '../../../../test-support/run-cli.ts';
import { tempDir } from '../../../../test-support/temp-dir.ts';
import { openLibrary, type Library } from '../../library/index.ts';
import { libraryLayout } from '../../library/library-layout.ts';
import { UploadsRepo } from '../../library/uploads-repo.ts';
import { buildCareLibrary } from '../test-library.ts';
import { BackupService, libraryId } from './backup-service.ts';
import { readManifest } from './backup-manifest.ts';
import { runBackup } from './run-backup.ts';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

type Row = Record<string, unknown>;

/** Every table a photographer would miss, as rows, for comparing a library with its restored copy. */
function dump(library: Library) {
  const all = (sql: string) => library.db.prepare<[], Row>(sql).all();
  return {
    photos: all('SELECT id, sha256, sha1, file_name, original_path, bytes, rating, flag, metadata_json FROM photos ORDER BY id'),
    recipes: all('SELECT photo_id, recipe_json, revision FROM recipes ORDER BY photo_id'),
    renders: all('SELECT photo_id, revision, target, path, sha256, bytes FROM renders ORDER BY photo_id, revision, target'),
    presets: all('SELECT id, name, steps_json FROM presets ORDER BY id'),
    uploads: all('SELECT photo_id, state, original_asset_id, processed_asset_id, stack_id FROM uploads ORDER BY photo_id'),
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/**
 * Backup and restore on a real library: an incremental, verified copy with a manifest; a run cut
 * short carries on without copying again; `lightbox restore` brings back photos, recipe revisions,
 * presets and upload states, renders processed files again and verifies clean.
 */
describe.skipIf(!hasCorpus)('backup targets and restore', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let libraryDir: string;
  let library: Library;
  const layout = () => libraryLayout(libraryDir);
  const deps = () => ({ library, layout: layout(), libraryId: libraryId(library) });
  const target = () => path.join(dir.path, 'usb', 'Lightbox backup');

  beforeAll(async () => {
    dir = await tempDir('lightbox-backup-');
    const built = await buildCareLibrary(dir.path);
    libraryDir = built.libraryDir;
    await built.engine.api.call('presets.create', { photoId: built.photos[0]!.id, name: 'Punchy' });
    await built.engine.close();
    library = openLibrary(layout().database);
    // An upload half done (original sent, no stack yet): restore must not forget it was sent.
    const uploads = new UploadsRepo(library.db);
    uploads.ensure(built.photos[1]!.id);
    uploads.savePair(built.photos[1]!.id, { originalAssetId: 'asset-original-1' });
    uploads.setState(built.photos[1]!.id, 'uploaded');
  }, 120_000);

  afterAll(async () => {
    library?.close();
    await dir?.cleanup();
  });

  it('copies everything the database names, verified, and only what changed the next time', async () => {
    await mkdir(path.join(dir.path, 'usb'));
    const first = await runBackup(deps(), target(), { create: true });
    expect(first.problems).toEqual([]);
    // 3 originals, 2 recipe copies, 2 current sidecars.
    expect(first.copied.files).toBe(7);
    expect(first.verified).toBe(7);
    expect(first.database?.bytes).toBeGreaterThan(0);
    const manifest = (await readManifest(target()))!;
    for (const [relative, entry] of Object.entries(manifest.files)) {
      expect(sha(await readFile(path.join(target(), relative)))).toBe(entry.sha256);
      expect(sha(await readFile(layout().absolute(relative)))).toBe(entry.sha256);
    }
    expect(sha(await readFile(path.join(target(), 'lightbox.db')))).toBe(manifest.database!.sha256);
    expect(manifest.lastVerifiedAt).toBe(first.finishedAt);

    const second = await runBackup(deps(), target());
    expect(second.copied.files).toBe(0);
    expect(second.unchanged).toBe(7);
    expect(second.ok).toBe(true);
  }, 60_000);

  it('carries on after a run cut short: what was copied is kept, nothing is copied twice', async () => {
    const fresh = path.join(dir.path, 'usb', 'second');
    const controller = new AbortController();
    let copies = 0;
    const cut = runBackup(deps(), fresh, {
      create: true,
      signal: controller.signal,
      progress: (p) => {
        copies = p.filesDone;
        if (p.filesDone >= 3) controller.abort(new Error('power cut'));
      },
    });
    await expect(cut).rejects.toThrow('power cut');
    expect(copies).toBe(3);
    // No temp files, no snapshot in place: the folder's lightbox.db only ever names files that are there.
    expect((await filesUnder(fresh)).filter((f) => f.endsWith('.lbtmp') || f === 'lightbox.db')).toEqual([]);
    const resumed = await runBackup(deps(), fresh);
    expect(resumed.ok).toBe(true);
    expect(resumed.copied.files).toBe(4);
    expect(resumed.unchanged).toBe(3);
  }, 60_000);

  it('refuses a folder holding another library\'s backup, and reports an unplugged target once, calmly', async () => {
    const other = openLibrary(path.join(dir.path, 'other.db'));
    try {
      await expect(runBackup({ library: other, layout: libraryLayout(path.join(dir.path, 'other')), libraryId: libraryId(other) }, target())).rejects.toMatchObject({ code: 'backup-failed' });
    } finally {
      other.close();
    }
    const events: BackupTarget[] = [];
    const service = new BackupService({ library, layout: layout(), emit: (t) => events.push(t) });
    const unplugged = path.join(dir.path, 'usb', 'stick');
    await runBackup(deps(), unplugged, { create: true });
    const [added] = await service.add(unplugged, true);
    expect(added).toMatchObject({ available: true, afterImport: true });
    await rm(unplugged, { recursive: true });
    await service.run(added!.id);
    const [after] = await service.list();
    expect(after).toMatchObject({ available: false, lastError: { code: 'backup-unavailable' } });
    expect(after!.lastError!.message).toContain(unplugged);
    // Nothing was created where the disk's folder was.
    expect(await readdir(path.join(dir.path, 'usb'))).not.toContain('stick');
    await service.remove(added!.id);
    await service.close();
  }, 60_000);

  it('restores a whole library that verifies clean: photos, recipe revisions, presets, upload states, renders', async () => {
    const restoredDir = path.join(dir.path, 'restored');
    const result = await runCli(['restore', '--from', target(), '--library', restoredDir, '--json']);
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { ok: boolean; verify: VerifyReport };
    expect(out.verify.problems).toEqual([]);
    expect(out.ok).toBe(true);
    expect(result.code).toBe(0);
    const restored = openLibrary(libraryLayout(restoredDir).database);
    try {
      const before = dump(library);
      const now = dump(restored);
      // The superseded revision's image is not in a backup (its recipe state is not kept): its record is gone.
      const current = (r: Row) => before.recipes.some((x) => x['photo_id'] === r['photo_id'] && x['revision'] === r['revision']);
      expect(now.renders).toEqual(before.renders.filter(current));
      expect(before.renders.filter(current).length).toBe(before.renders.length - 1);
      expect({ ...now, renders: [] }).toEqual({ ...before, renders: [] });
      expect(before.presets.length).toBe(1);
      expect(before.uploads).toMatchObject([{ state: 'uploaded', original_asset_id: 'asset-original-1' }]);
      // Every processed file rendered again byte for byte, every thumbnail made.
      for (const row of now.renders) expect(sha(await readFile(path.join(restoredDir, String(row['path']))))).toBe(row['sha256']);
      for (const row of now.photos) await readFile(libraryLayout(restoredDir).thumbPath(Number(row['id'])));
    } finally {
      restored.close();
    }
    const again = await runCli(['verify', '--library', restoredDir]);
    expect(again.code).toBe(0);
  }, 120_000);

  it('`lightbox backup --json` prints its report and fails with backup-unavailable for a missing folder', async () => {
    library.close();
    try {
      const ok = await runCli(['backup', '--library', libraryDir, '--to', target(), '--json']);
      expect(ok.code).toBe(0);
      const report = JSON.parse(ok.stdout) as BackupReport;
      expect(report.unchanged).toBe(7);
      // Remembered as a target: Settings shows it, and a repair looks there for originals.
      const reopened = openLibrary(layout().database);
      const service = new BackupService({ library: reopened, layout: layout(), emit: () => {} });
      expect((await service.list()).find((t) => t.path === target())).toMatchObject({ afterImport: false, lastVerifiedAt: report.finishedAt, files: 7, available: true });
      await service.close();
      reopened.close();
      const missing = await runCli(['backup', '--library', libraryDir, '--to', path.join(dir.path, 'nowhere', 'disk'), '--json']);
      expect(missing.code).toBe(1);
      expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, error: { code: 'backup-unavailable' } });
    } finally {
      library = openLibrary(layout().database);
    }
  }, 60_000);
});
