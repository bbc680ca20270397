import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ScrubProgress, VerifyChecked, VerifyProblem } from '../../contract/index.ts';
import { isIngestError } from '../ingest/ingest-error.ts';
import { CareRepo, type OriginalRow, type RenderRow } from '../library/care-repo.ts';
import type { Library } from '../library/index.ts';
import { checkDatabaseFile } from '../library/integrity-check.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import { hashEach, type HashOutcome } from './hash-files.ts';
import { knownPaths, readInventory, sidecarOf } from './inventory.ts';
import { Watermark, type ScanCheckpoint } from './scan-checkpoint.ts';

/** A problem plus what a repair needs to know about it. */
export type Finding = VerifyProblem & { original?: OriginalRow; render?: RenderRow };

/** The problem as reported, without what only a repair needs. */
export const toProblem = ({ original: _original, render: _render, ...problem }: Finding): VerifyProblem => problem;

export type ScanProgress = Pick<ScrubProgress, 'phase' | 'filesDone' | 'filesTotal' | 'bytesDone' | 'bytesTotal'>;

export type ScanOptions = {
  signal?: AbortSignal;
  progress?: (progress: ScanProgress) => void;
  /** Awaited before each file is hashed (the scheduled check yields to ingest here). */
  beforeEach?: () => Promise<void>;
  /** Ingest jobs are unfinished: a photo without its original yet is being stored, not lost. */
  ingestBusy?: () => boolean;
  /** Go on from an earlier, stopped check: what it hashed is not read again, what it found is kept. */
  resume?: ScanCheckpoint | null;
  /** Told how far the check has got, as files are hashed (the scheduled check keeps it in the library). */
  checkpoint?: (checkpoint: ScanCheckpoint) => void;
};

/** Folders whose every file the database should name; anything else there is an orphan. */
const SCANNED_FOLDERS = ['originals', 'processed', 'recipes'];
const TEMP_FILE = /^\..*\.lbtmp$/;
/** How often a running check writes down how far it got: a stop loses at most this much reading. */
const CHECKPOINT_MS = 5_000;

/**
 * Re-reads the whole library: the database's own checks, then every original and processed file
 * hashed against the SHA-256 recorded when it was written (on the engine's hashing thread), sidecars
 * and recipe copies looked for, and the folders walked for files no row names. Changes nothing.
 */
export async function scanLibrary(deps: { library: Library; layout: LibraryLayout }, options: ScanOptions = {}): Promise<{ findings: Finding[]; checked: VerifyChecked }> {
  const { library, layout } = deps;
  const repo = new CareRepo(library.db);
  const resume = options.resume ?? null;
  const startedAt = new Date().toISOString();
  const findings: Finding[] = [...(resume?.findings ?? [])];
  const checked: VerifyChecked = { originals: 0, processed: 0, sidecars: 0, bytes: 0, scanned: 0, database: false, ...resume?.checked };

  options.progress?.({ phase: 'database', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 });
  // On its own worker while the files are read: on a large library it costs no time of its own.
  const databaseCheck = checkDatabaseFile(layout.database);

  const inventory = await readInventory(library.db, layout);
  const total = { files: inventory.originals.length + inventory.renders.length, bytes: 0 };
  for (const row of [...inventory.originals, ...inventory.renders]) total.bytes += row.bytes;
  // Resumed: what the stopped check read counts as done, and only the rest is read.
  const originals = inventory.originals.filter((row) => row.photoId > (resume?.originalsUpTo ?? 0));
  const renders = inventory.renders.filter((row) => row.id > (resume?.rendersUpTo ?? 0));
  const done = { files: total.files - originals.length - renders.length, bytes: total.bytes };
  for (const row of [...originals, ...renders]) done.bytes -= row.bytes;
  const marks = { originals: new Watermark(originals.map((r) => r.photoId), resume?.originalsUpTo ?? 0), renders: new Watermark(renders.map((r) => r.id), resume?.rendersUpTo ?? 0) };
  let lastCheckpoint = performance.now();
  const checkpoint = (force = false) => {
    if (!options.checkpoint || (!force && performance.now() - lastCheckpoint < CHECKPOINT_MS)) return;
    lastCheckpoint = performance.now();
    const { originals: o, renders: r } = { originals: marks.originals.upTo, renders: marks.renders.upTo };
    // A file hashed ahead of the watermark is read again on resume: its finding is left for then.
    const kept = findings.filter((f) => (f.original ? f.original.photoId <= o : f.render ? f.render.id <= r : false));
    options.checkpoint({ startedAt: resume?.startedAt ?? startedAt, originalsUpTo: o, rendersUpTo: r, checked: { originals: checked.originals, processed: checked.processed, bytes: checked.bytes }, findings: kept });
  };
  let lastReport = 0;
  const report = (phase: ScanProgress['phase'], force = false) => {
    const now = performance.now();
    if (!force && now - lastReport < 200) return;
    lastReport = now;
    options.progress?.({ phase, filesDone: done.files, filesTotal: total.files, bytesDone: done.bytes, bytesTotal: total.bytes });
  };

  // Originals, then processed files: each hashed against what was recorded when it was written.
  const judge = <T extends OriginalRow | RenderRow>(rows: T[], phase: 'originals' | 'processed', found: (row: T, outcome: HashOutcome) => Finding | null) => {
    const index = new Map(rows.map((row, i) => [row, i]));
    const mark = phase === 'originals' ? marks.originals : marks.renders;
    return hashEach(rows, (row) => layout.absolute(row.path), (row, outcome) => {
      done.files++;
      done.bytes += row.bytes;
      checked[phase]++;
      if ('sha256' in outcome) checked.bytes += row.bytes;
      const finding = found(row, outcome);
      if (finding) findings.push(finding);
      mark.done(index.get(row)!);
      report(phase);
      checkpoint();
    }, options);
  };
  report('originals', true);
  try {
    await judge(originals, 'originals', (row, outcome) => {
      const about = { path: row.path, photoId: row.photoId, original: row };
      if ('sha256' in outcome) return outcome.sha256 === row.sha256 ? null : { code: 'altered-original', ...about, message: altered('original', row.sha256, outcome.sha256) };
      if (isIngestError(outcome.error, 'file-vanished')) return { code: 'missing-original', ...about, message: `The original of ${row.fileName} is not in the library any more.` };
      return { code: 'altered-original', ...about, message: `The original of ${row.fileName} cannot be read: ${outcome.error.message}` };
    });
    report('processed', true);
    await judge(renders, 'processed', (row, outcome) => {
      const about = { path: row.path, photoId: row.photoId, render: row };
      if ('sha256' in outcome) return outcome.sha256 === row.sha256 ? null : { code: 'altered-processed', ...about, message: altered(`render of revision ${row.revision} (${row.target})`, row.sha256, outcome.sha256) };
      if (isIngestError(outcome.error, 'file-vanished')) return missingRender(row, row.path);
      return { code: 'altered-processed', ...about, message: `The render of revision ${row.revision} cannot be read: ${outcome.error.message}` };
    });
  } finally {
    // Stopped or through: where it got to is written down once more, whatever the last throttled write said.
    checkpoint(true);
  }
  for (const row of inventory.renders) {
    options.signal?.throwIfAborted();
    checked.sidecars++;
    const sidecar = sidecarOf(row.path);
    if (!(await isFile(layout.absolute(sidecar)))) findings.push(missingRender(row, sidecar));
  }

  // Photos that claimed their bytes but never stored them (an ingest that gave up half way).
  if (!options.ingestBusy?.()) {
    for (const row of repo.unstored()) {
      findings.push({ code: 'row-without-file', path: row.sourcePath, photoId: row.photoId, message: `${row.fileName} was being imported but its original never reached the library; import it again from ${row.sourcePath}.` });
    }
  }

  report('orphans', true);
  const candidates: string[] = [];
  let known = knownPaths(inventory);
  for (const folder of SCANNED_FOLDERS) {
    const entries = await readdir(layout.absolute(folder), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile() || TEMP_FILE.test(entry.name)) continue;
      checked.scanned++;
      const relative = path.relative(layout.root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      if (!known.has(relative)) candidates.push(relative);
    }
  }
  // A photo imported or rendered while the check ran is in the folder but was not in the first read.
  if (candidates.length > 0) known = knownPaths(await readInventory(library.db, layout));
  for (const relative of candidates) {
    if (!known.has(relative)) findings.push({ code: 'orphan-file', path: relative, message: 'This file is in the library folder but no photo, render or recipe names it. It was left where it is.' });
  }
  for (const finding of await databaseCheck) findings.push({ code: 'database', path: 'lightbox.db', message: finding.message });
  checked.database = true;
  return { findings: stillTrue(findings, repo), checked };
}

function altered(what: string, expected: string, found: string): string {
  return `The ${what} no longer has the bytes that were stored (SHA-256 ${found.slice(0, 12)}…, expected ${expected.slice(0, 12)}…).`;
}

/** A current revision can be rendered again; an older one cannot (only the current recipe is kept). */
function missingRender(row: RenderRow, missing: string): Finding {
  const what = missing.endsWith('.xmp') ? 'XMP sidecar' : 'file';
  if (row.current) return { code: 'missing-processed', path: missing, photoId: row.photoId, message: `The processed ${what} of revision ${row.revision} (${row.target}) is missing.`, render: row };
  return {
    code: 'row-without-file',
    path: missing,
    photoId: row.photoId,
    message: `The processed ${what} of superseded revision ${row.revision} (${row.target}) is missing, and only the current recipe is kept, so it cannot be rendered again.`,
    render: row,
  };
}

/** Rows read at the start may have changed under a running app (a render pruned an old revision). */
function stillTrue(findings: Finding[], repo: CareRepo): Finding[] {
  return findings.filter((finding) => {
    if (finding.render) return repo.renderStillRecorded(finding.render);
    if (finding.original) return repo.original(finding.original.photoId)?.path === finding.original.path;
    return true;
  });
}

const isFile = (file: string) => stat(file).then((info) => info.isFile(), () => false);
