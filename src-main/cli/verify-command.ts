import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../engine/engine.ts';
import { careFailure, printVerifyReport } from './care-output.ts';
import { defaultLibraryDir } from './default-library.ts';

/**
 * `lightbox verify [--library DIR] [--json] [--repair]`: re-hashes every original and processed file,
 * checks the database, lists files no row names. Exit 1 while any error is left unrepaired; orphan
 * files alone (a warning) do not fail it.
 */
export async function verifyCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { library: { type: 'string' }, json: { type: 'boolean', default: false }, repair: { type: 'boolean', default: false } } });
  const engine = await createEngine({ libraryDir: path.resolve(values.library ?? defaultLibraryDir()), watchFolders: false });
  try {
    const report = await engine.care.verify({ repair: values.repair });
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printVerifyReport(report);
    return report.ok ? 0 : 1;
  } catch (error) {
    return careFailure(error, values.json);
  } finally {
    await engine.close();
  }
}
