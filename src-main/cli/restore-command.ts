import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes } from '../engine/base/disk-space.ts';
import { restoreLibrary } from '../engine/care/backup/restore-library.ts';
import { createEngine } from '../engine/engine.ts';
import { careFailure, printVerifyReport, progressLine } from './care-output.ts';
import { defaultLibraryDir } from './default-library.ts';
import { UsageError } from './usage-error.ts';

/**
 * `lightbox restore --from DIR --library DIR [--json]`: a whole library back from a backup folder
 * into an empty folder (photos, recipes with their history, presets, upload states), then processed
 * files and thumbnails rendered again and the result verified. Exit 0 only when it verifies clean.
 */
export async function restoreCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, library: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (!values.from) throw new UsageError('lightbox restore needs --from DIR: the backup folder.');
  const libraryDir = path.resolve(values.library ?? defaultLibraryDir());
  try {
    const restored = await restoreLibrary(path.resolve(values.from), libraryDir, values.json ? undefined : progressLine('restore'));
    const engine = await createEngine({ libraryDir, watchFolders: false });
    try {
      const verify = await engine.care.verify({ repair: true });
      const ok = verify.ok && restored.problems.length === 0;
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ ok, library: libraryDir, restored, verify })}\n`);
      } else {
        console.log(`Restored ${restored.files} file(s) (${formatBytes(restored.bytes)}) into ${libraryDir}.`);
        for (const p of restored.problems) console.log(`  ${p.code}: ${p.path}: ${p.message}`);
        printVerifyReport(verify);
      }
      return ok ? 0 : 1;
    } finally {
      await engine.close();
    }
  } catch (error) {
    return careFailure(error, values.json);
  }
}
