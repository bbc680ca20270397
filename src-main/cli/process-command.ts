import { parseArgs } from 'node:util';
import { stat } from 'node:fs/promises';
import { createEngine } from '../engine/engine.ts';
import { defaultLibraryDir } from './default-library.ts';
import { UsageError } from './usage-error.ts';

export async function processCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { library: { type: 'string' }, json: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) throw new UsageError('lightbox process needs at least one folder.');
  for (const dir of positionals) {
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`${dir} is not a folder.`);
  }
  const engine = await createEngine({ libraryDir: values.library ?? defaultLibraryDir(), watchFolders: false });
  // Progress goes to stderr so stdout stays one JSON document with --json.
  const stopProgress = values.quiet ? () => {} : engine.api.on('photo.changed', (photo) => {
    const detail = photo.error ? ` - ${photo.error.code}` : '';
    process.stderr.write(`${photo.fileName}: ${photo.stage}${detail}\n`);
  });
  try {
    const summary = await engine.processOnce(positionals);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      console.log(`${summary.files} files: ${summary.ingested} ingested, ${summary.duplicates} duplicates, ${summary.alreadyInLibrary} already in the library, ${summary.failed.length} failed`);
      for (const failure of summary.failed) console.log(`  ${failure.path}: ${failure.code} - ${failure.message}`);
    }
    return 0;
  } finally {
    stopProgress();
    await engine.close();
  }
}
