import { createHash } from 'node:crypto';
import { appendFile, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../contract/index.ts';
import { hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { runCli } from '../../../test-support/run-cli.ts';
import { openLibrary, type Library } from '../library/index.ts';
import { libraryLayout } from '../library/library-layout.ts';
import { CareRepo } from '../library/care-repo.ts';
import { RenderThreads } from '../render/render-threads.ts';
import { runBackup } from './backup/run-backup.ts';
import { libraryId } from './backup/backup-service.ts';
import { verifyLibrary } from './verify-run.ts';
import { buildCareLibrary } from './test-library.ts';
import { sidecarOf } from './inventory.ts';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const codes = (report: VerifyReport) => report.problems.map((p) => `${p.code} ${p.path}`).sort();

/**
 * `lightbox verify` on a real library (real SQLite, sharp renders, the hashing thread): a clean
 * library checks out; each kind of damage is found with its code; --repair restores originals from
 * a backup, renders processed files again byte for byte (on a render thread, as the app does), and
 * leaves orphans where they are.
 */
describe.skipIf(!hasCorpus)('verify and repair a library', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let libraryDir: string;
  let library: Library;
  const layout = () => libraryLayout(libraryDir);
  let originals: Array<{ photoId: number; path: string; sha256: string }>;
  let renders: ReturnType<CareRepo['rendersAfter']>;
  const threads = new RenderThreads();
  const deps = () => ({ library, layout: layout(), backupDirs: () => [path.join(dir.path, 'backup')], renderFile: threads.render });

  beforeAll(async () => {
    dir = await tempDir('lightbox-verify-');
    const built = await buildCareLibrary(dir.path);
    libraryDir = built.libraryDir;
    await built.engine.close();
    library = openLibrary(layout().database);
    const repo = new CareRepo(library.db);
    // In the order the builder edited them (photo ids follow whichever file finished hashing first).
    const byId = new Map(repo.originalsAfter(0, 100).map((o) => [o.photoId, o]));
    originals = built.photos.map((p) => byId.get(p.id)!);
    renders = repo.rendersAfter(0, 100);
  }, 120_000);

  afterAll(async () => {
    await threads.close();
    library?.close();
    await dir?.cleanup();
  });

  it('finds nothing wrong in a library as Lightbox left it', async () => {
    // Two revisions of the first photo (one superseded, kept), one of the second.
    expect(renders.filter((r) => r.current)).toHaveLength(2);
    expect(renders.filter((r) => !r.current)).toHaveLength(1);
    const report = await verifyLibrary(deps());
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checked).toMatchObject({ originals: 3, processed: 3, sidecars: 3, database: true });
    const expectedBytes = originals.reduce((s, o) => s + (library.photos.get(o.photoId)?.bytes ?? 0), 0) + renders.reduce((s, r) => s + r.bytes, 0);
    expect(report.checked.bytes).toBe(expectedBytes);
  });

  it('names every kind of damage with its code, and a repair fixes all but the orphan', async () => {
    // A verified backup first: the repair looks there for originals with the right bytes.
    const backup = await runBackup({ library, layout: layout(), libraryId: libraryId(library) }, path.join(dir.path, 'backup'), { create: true });
    expect(backup.ok).toBe(true);

    const [a, b, c] = originals;
    const current = renders.find((r) => r.current && r.photoId === a!.photoId)!;
    const superseded = renders.find((r) => !r.current)!;
    const other = renders.find((r) => r.current && r.photoId !== a!.photoId)!;
    const currentBytes = await readFile(layout().absolute(current.path));
    await rm(layout().absolute(b!.path));
    const altered = await readFile(layout().absolute(c!.path));
    altered[altered.length >> 1]! ^= 0xff;
    await writeFile(layout().absolute(c!.path), altered);
    await rm(layout().absolute(current.path));
    await appendFile(layout().absolute(superseded.path), 'edited elsewhere');
    await rm(layout().absolute(sidecarOf(other.path)));
    await writeFile(layout().absolute('originals/stray.jpg'), 'not ours');

    const found = await verifyLibrary(deps());
    expect(codes(found)).toEqual(
      [
        `altered-original ${c!.path}`,
        `altered-processed ${superseded.path}`,
        `missing-original ${b!.path}`,
        `missing-processed ${current.path}`,
        `missing-processed ${sidecarOf(other.path)}`,
        'orphan-file originals/stray.jpg',
      ].sort(),
    );
    expect(found.ok).toBe(false);
    expect(found.problems.find((p) => p.code === 'missing-original')).toMatchObject({ photoId: b!.photoId });

    const repaired = await verifyLibrary(deps(), { repair: true });
    expect(codes(repaired)).toEqual(['orphan-file originals/stray.jpg']);
    expect(repaired.ok).toBe(true);
    expect(repaired.repaired.map((r) => r.code).sort()).toEqual(['altered-original', 'altered-processed', 'missing-original', 'missing-processed', 'missing-processed']);
    // Originals back with their recorded bytes; the altered one kept in quarantine, never deleted.
    for (const o of [b!, c!]) expect(sha(await readFile(layout().absolute(o.path)))).toBe(o.sha256);
    const quarantined = (await readdir(layout().absolute('quarantine'), { recursive: true })).map(String);
    expect(quarantined.some((p) => p.endsWith(path.basename(c!.path)))).toBe(true);
    // The current render comes back byte for byte; the superseded revision's record is forgotten.
    expect(sha(await readFile(layout().absolute(current.path)))).toBe(sha(currentBytes));
    expect(new CareRepo(library.db).renderStillRecorded(superseded)).toBe(false);
    expect(await readFile(layout().absolute(sidecarOf(other.path)), 'utf8')).toContain('x:xmpmeta');
    // The orphan stays where it was.
    expect(await readFile(layout().absolute('originals/stray.jpg'), 'utf8')).toBe('not ours');

    const after = await verifyLibrary(deps());
    expect(codes(after)).toEqual(['orphan-file originals/stray.jpg']);
  }, 120_000);

  it('reports a database whose rows point nowhere, and the command exits 1 while an error remains', async () => {
    library.db.pragma('foreign_keys = OFF');
    library.db.prepare(`INSERT INTO recipes (photo_id, recipe_json, revision, updated_at) VALUES (9999, '{}', 1, 'x')`).run();
    library.db.pragma('foreign_keys = ON');
    library.close();
    const result = await runCli(['verify', '--library', libraryDir, '--json']);
    const report = JSON.parse(result.stdout) as VerifyReport;
    expect(report.problems.filter((p) => p.code === 'database').map((p) => p.message)).toEqual(['foreign_key_check: 1 row(s) of recipes point to missing rows of photos']);
    expect(report.ok).toBe(false);
    expect(result.code).toBe(1);
    // Orphans alone do not fail it.
    const fixed = openLibrary(layout().database);
    fixed.db.prepare('DELETE FROM recipes WHERE photo_id = 9999').run();
    fixed.close();
    const clean = await runCli(['verify', '--library', libraryDir, '--json']);
    expect((JSON.parse(clean.stdout) as VerifyReport).problems.map((p) => p.code)).toEqual(['orphan-file']);
    expect(clean.code).toBe(0);
    library = openLibrary(layout().database);
  }, 60_000);
});
