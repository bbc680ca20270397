import { parseArgs } from 'node:util';
import { checkLibraryWritable, checkModels, checkNativeModules, checkNode, type CheckResult } from '../engine/doctor/checks.ts';
import { checkImmichForDoctor } from '../engine/immich/doctor-check.ts';
import { defaultLibraryDir } from './default-library.ts';

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { library: { type: 'string' }, json: { type: 'boolean', default: false }, 'immich-url': { type: 'string' } } });
  const libraryDir = values.library ?? defaultLibraryDir();
  const checks: CheckResult[] = [
    checkNode(),
    ...(await checkNativeModules()),
    await checkLibraryWritable(libraryDir),
    ...(await checkModels()),
    ...(await checkImmichForDoctor({ libraryDir, serverUrl: values['immich-url'], apiKey: process.env['IMMICH_API_KEY'] })),
  ];
  const ok = checks.every((c) => c.ok);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ok, checks })}\n`);
  } else {
    for (const check of checks) {
      console.log(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(12)} ${check.detail}`);
      if (check.fix) console.log(`      ${''.padEnd(12)} fix: ${check.fix}`);
    }
  }
  return ok ? 0 : 1;
}
