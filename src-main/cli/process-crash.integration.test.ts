import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus, projectRoot } from '../../test-support/corpus.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { openLibrary } from '../engine/library/index.ts';
import { libraryLayout } from '../engine/library/library-layout.ts';

/**
 * A crash at any moment loses nothing: `lightbox process` is SIGKILLed at random points, restarted,
 * and after every restart the library must be consistent; a last uninterrupted run must finish.
 */
const SOURCES = [
  'jpeg/camera/Samsung_SM-G935L_Galaxy_S7_Edge.jpg',
  'jpeg/camera/Kodak_PIXPRO_S-1.jpg',
  'jpeg/camera/Apple_iPhone_4S.jpg',
  'jpeg/camera/Leica_T_Typ_701.jpg',
  'jpeg/camera/Canon_EOS_20D_2.jpg',
  'jpeg/camera/Nexus_4.jpg',
  'jpeg/camera/Apple_iPhone_6_plus.jpg',
  'jpeg/camera/Nikon_D70.jpg',
  'jpeg/camera/Oppo_R7_Plus.jpg',
  'jpeg/camera/Motorola_XT1068_Moto_G.jpg',
  'jpeg/orientation/Landscape_6.jpg',
  'jpeg/orientation/Portrait_8.jpg',
  'content/near-dup/canon_hdr_NO.jpg',
  'content/near-dup/canon_hdr_NO-copy.jpg',
  'content/near-dup/iphone_hdr_YES.jpg',
  'other/png/indexed.png',
  'other/webp/Nikon_Coolpix_P7000.webp',
  'other/avif/fox.avif',
  'heic/Stonehenge_NikonD5300.heic',
  'bad/truncated-10000B.jpg',
  'bad/zero-byte.jpg',
  'bad/text-file.jpg',
];
const RUNS = 20;
const node = path.join(projectRoot, 'node_modules', '.bin', 'node');
const cli = path.join(projectRoot, 'src-main', 'cli.ts');

type Kill = { afterLines: number; delayMs: number };
type RunResult = { code: number | null; signal: string | null; stdout: string; progressLines: number };

/**
 * A kill timed in wall-clock milliseconds misses on a fast machine (the work is already done), so
 * the moment is tied to the work: after the k-th progress line, plus a random delay that lands it
 * inside the next hash, copy, fsync, decode or database write.
 */
function runProcess(inbox: string, libraryDir: string, kill: Kill | null): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(node, [cli, 'process', inbox, '--library', libraryDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let progressLines = 0;
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      progressLines += d.toString().split('\n').length - 1;
      if (kill && !timer && progressLines >= kill.afterLines) timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, progressLines });
    });
  });
}

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Invariants that must hold after ANY crash. */
async function checkConsistent(libraryDir: string): Promise<void> {
  const layout = libraryLayout(libraryDir);
  const library = openLibrary(layout.database);
  try {
    const { photos } = library.photos.list({ limit: 10_000, offset: 0 });
    const shas = photos.map((p) => p.sha256).filter(Boolean);
    expect(new Set(shas).size).toBe(shas.length);
    const sources = photos.map((p) => p.sourcePath);
    expect(new Set(sources).size).toBe(sources.length);
    for (const photo of photos) {
      if (!photo.originalPath) continue;
      expect(await sha256(layout.absolute(photo.originalPath))).toBe(photo.sha256);
    }
  } finally {
    library.close();
  }
}

describe.skipIf(!hasCorpus)('crash safety', () => {
  let inbox: Awaited<ReturnType<typeof tempDir>>;
  let library: Awaited<ReturnType<typeof tempDir>>;
  const sourceHashes = new Map<string, string>();

  beforeAll(async () => {
    inbox = await tempDir();
    library = await tempDir();
    for (const rel of SOURCES) {
      const target = path.join(inbox.path, rel.replaceAll('/', '__'));
      await copyFile(corpusPath(rel), target);
      sourceHashes.set(target, await sha256(target));
    }
  });
  afterAll(async () => {
    await inbox.cleanup();
    await library.cleanup();
  });

  it(`survives ${RUNS} SIGKILLs at random moments, then finishes with everything accounted for`, async () => {
    let killed = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const kill = { afterLines: 1, delayMs: Math.floor(Math.random() * 100) };
      const result = await runProcess(inbox.path, library.path, kill);
      await checkConsistent(library.path);
      if (result.signal === 'SIGKILL') killed += 1;
      // Finished before the kill landed: nothing is left to interrupt.
      else break;
    }
    console.log(`[crash] ${killed} SIGKILLs landed mid-work`);
    // Each run makes at most a few photos' progress before it dies, so the work outlasts many kills.
    expect(killed).toBeGreaterThanOrEqual(RUNS / 2);

    const final = await runProcess(inbox.path, library.path, null);
    expect(final.code).toBe(0);
    const summary = JSON.parse(final.stdout) as { files: number; ingested: number; duplicates: number; alreadyInLibrary: number; failed: unknown[] };
    expect(summary.files).toBe(SOURCES.length);
    await checkConsistent(library.path);

    const layout = libraryLayout(library.path);
    const lib = openLibrary(layout.database);
    try {
      // Every source is still there, unchanged, and recorded exactly once.
      for (const [source, hash] of sourceHashes) {
        expect(await sha256(source)).toBe(hash);
        const info = await import('node:fs/promises').then((fs) => fs.stat(source));
        expect(lib.files.findByPathAndStat(source, info.size, info.mtimeMs), source).not.toBeNull();
      }
      const { photos } = lib.photos.list({ limit: 10_000, offset: 0 });
      // 22 sources: one byte-identical pair -> 21 photos (3 of them failures recorded on the photo).
      expect(photos).toHaveLength(SOURCES.length - 1);
      // No orphan originals and no temp leftovers in the library.
      const stored = new Set(photos.map((p) => p.originalPath && layout.absolute(p.originalPath)).filter(Boolean));
      const onDisk = await listFiles(layout.originalsDir);
      expect(onDisk.filter((f) => !stored.has(f))).toEqual([]);
      const stats = lib.jobs.stats();
      for (const [kind, counts] of Object.entries(stats.kinds)) {
        expect({ kind, queued: counts.queued, running: counts.running, failed: counts.failed, dead: counts.dead }).toEqual({ kind, queued: 0, running: 0, failed: 0, dead: 0 });
      }
    } finally {
      lib.close();
    }
  }, 600_000);
});
