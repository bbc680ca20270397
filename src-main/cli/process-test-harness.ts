#!/usr/bin/env node
/**
 * Test harness only: `lightbox process` with a processed file rendered by sharp for every photo
 * (renders live on another branch) and short retry timings, so the crash test can kill a real
 * `process --immich-url` run that makes stacks. Same arguments as `lightbox process`.
 */
import { parseArgs } from 'node:util';
import { renderingProcessedSource } from '../engine/immich/test-processed-source.ts';
import { defaultLibraryDir } from './default-library.ts';
import { processCommand } from './process-command.ts';

const argv = process.argv.slice(2);
if (argv[0] === 'process') argv.shift();
const { values } = parseArgs({ args: argv, allowPositionals: true, strict: false, options: { library: { type: 'string' } } });
const libraryDir = typeof values.library === 'string' ? values.library : defaultLibraryDir();
const processedSource = renderingProcessedSource(libraryDir);
processCommand(argv, { immich: { processedSource, retry: { baseMs: 20, capMs: 200, maxAttempts: 3 }, offlineProbe: { baseMs: 100, capMs: 400 } } }).then(
  (code) => {
    processedSource.close();
    process.exitCode = code;
  },
  (error: Error) => {
    console.error(`lightbox: ${error.message}`);
    process.exitCode = 1;
  },
);
