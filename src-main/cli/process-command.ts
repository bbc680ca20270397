import { parseArgs } from 'node:util';
import { stat } from 'node:fs/promises';
import { UploadCover, UploadWhat } from '../contract/index.ts';
import { createEngine, type ImmichConfig } from '../engine/engine.ts';
import { defaultLibraryDir } from './default-library.ts';
import { parseExportMetadata } from './render-command.ts';
import { UsageError } from './usage-error.ts';
import { onPauses } from './care-output.ts';
import { eventLines, liveBar, photoLines } from './process-progress.ts';

/**
 * `lightbox process DIR... [--immich-url URL]`. `extra` is for tests and the crash harness: it can
 * inject a ProcessedSource (renders live on another branch) and faster retry timings.
 */
export async function processCommand(argv: string[], extra: { immich?: Partial<ImmichConfig> } = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      library: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      'immich-url': { type: 'string' },
      album: { type: 'string' },
      // Original + processed (the render of the current recipe) as one stack, as the photographer expects.
      upload: { type: 'string', default: 'both' },
      cover: { type: 'string', default: 'processed' },
      // What the processed files keep of the originals' metadata (default: as recipes and folders say).
      metadata: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('lightbox process needs at least one folder.');
  if (values.quiet && values.verbose) throw new UsageError('--quiet and --verbose cannot go together.');
  for (const dir of positionals) {
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`${dir} is not a folder.`);
  }
  const what = UploadWhat.exclude(['none']).safeParse(values.upload);
  if (!what.success) throw new UsageError(`--upload must be both, processed or original (got "${values.upload}").`);
  const exportMetadata = values.metadata === undefined ? undefined : parseExportMetadata(values.metadata);
  const cover = UploadCover.safeParse(values.cover);
  if (!cover.success) throw new UsageError(`--cover must be processed or original (got "${values.cover}").`);
  let immich: ImmichConfig | undefined;
  if (values['immich-url']) {
    const apiKey = process.env['IMMICH_API_KEY']?.trim();
    // Never a flag: command lines end up in shell history and process lists.
    if (!apiKey) throw new UsageError('--immich-url needs the API key in the IMMICH_API_KEY environment variable.');
    immich = {
      ...extra.immich,
      serverUrl: values['immich-url'],
      apiKey,
      defaultUpload: { what: what.data, cover: cover.data, albumName: values.album ?? null },
    };
  }
  const engine = await createEngine({ libraryDir: values.library ?? defaultLibraryDir(), watchFolders: false, ...(immich ? { immich } : {}), ...(exportMetadata ? { exportMetadata } : {}) });
  // Progress goes to stderr so stdout stays one JSON document with --json: a live bar on a terminal,
  // one line per photo otherwise, every event with --verbose (process-progress.ts).
  const line = (text: string) => process.stderr.write(`${text}\n`);
  const progress = values.quiet
    ? null
    : values.verbose
      ? eventLines(engine.api, line)
      : process.stderr.isTTY
        ? liveBar(engine.api, process.stderr)
        : photoLines(engine.api, line, immich !== undefined);
  // A full disk pauses the run rather than failing it: said even with --quiet (it is why nothing moves).
  const stops = [onPauses(engine.api, progress ? (text) => progress.log(text) : line)];
  try {
    const summary = await engine.processOnce(positionals);
    // The last photo lines and the finished bar come before the summary.
    progress?.stop();
    const paused = summary.immich && (await engine.api.call('immich.status', {})).paused;
    if (values.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      console.log(`${summary.files} files: ${summary.ingested} ingested, ${summary.duplicates} duplicates, ${summary.alreadyInLibrary} already in the library, ${summary.failed.length} failed`);
      for (const failure of summary.failed) console.log(`  ${failure.path}: ${failure.code} - ${failure.message}`);
      const up = summary.immich;
      if (up) {
        const alone = new Set(up.notices.map((n) => n.photoId)).size;
        console.log(`Immich: ${up.uploaded} uploaded, ${up.duplicates} already there, ${up.stacked} stacked, ${up.failed.length} failed${up.waiting ? `, ${up.waiting} waiting` : ''}${alone ? `, ${alone} not stacked (a file was another photo's)` : ''}`);
        for (const failure of up.failed) console.log(`  ${failure.fileName}: ${failure.code} - ${failure.message}`);
        for (const notice of up.notices) console.log(`  ${notice.fileName}: ${notice.message}`);
      }
    }
    // A refused key stops the run; everything else that failed is listed in the summary.
    return paused ? 1 : 0;
  } finally {
    progress?.stop();
    for (const stop of stops) stop();
    await engine.close();
  }
}
