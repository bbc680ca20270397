import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes } from '../engine/base/disk-space.ts';
import { createEngine } from '../engine/engine.ts';
import { careFailure, progressLine } from './care-output.ts';
import { defaultLibraryDir } from './default-library.ts';
import { UsageError } from './usage-error.ts';

/**
 * `lightbox backup [--library DIR] --to DIR [--json] [--verify]`: an incremental, verified backup of
 * the originals, recipes, processed files' sidecars and a snapshot of the database into DIR (made if
 * its parent exists). `--verify` also re-reads every file already there.
 */
export async function backupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { library: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false }, verify: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } },
  });
  if (!values.to) throw new UsageError('lightbox backup needs --to DIR: the folder on a USB disk or NAS mount to back up into.');
  const engine = await createEngine({ libraryDir: path.resolve(values.library ?? defaultLibraryDir()), watchFolders: false });
  try {
    const report = await engine.care.backup(path.resolve(values.to), { verify: values.verify, ...(values.json || values.quiet ? {} : { progress: progressLine('backup') }) });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      console.log(`Backed up to ${report.target}: ${report.copied.files} file(s) copied (${formatBytes(report.copied.bytes)}), ${report.unchanged} already there, ${report.verified} verified by hash; database snapshot ${report.database ? formatBytes(report.database.bytes) : 'NOT updated'}.`);
      for (const p of report.problems) console.log(`  ${p.code}: ${p.path}: ${p.message}`);
      console.log(report.ok ? `Verified backup at ${report.finishedAt}.` : `${report.problems.length} problem(s): the backup is not complete.`);
    }
    return report.ok ? 0 : 1;
  } catch (error) {
    return careFailure(error, values.json);
  } finally {
    await engine.close();
  }
}
