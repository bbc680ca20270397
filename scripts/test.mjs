// `npm test`: every check the project has, one summary line at the end that CI reads.
// Static checks (layer rules, types, the UI build) count as one test each; vitest counts its own.
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const env = { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` };

function run(label, command, args) {
  console.log(`\n=== ${label}: ${[path.basename(command), ...args].join(' ')}`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      console.log(`=== ${label}: ${code === 0 ? 'ok' : `FAILED (${signal ?? code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      resolve(code === 0);
    });
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const count = (label, ok) => (ok ? passed++ : (failed++, failures.push(label)));

// The weights the model tests use, fetched by the code `npm start` runs when they are missing
// (bundled-fetch.ts, here as `lightbox models fetch`); e2e/first-run.e2e.test.ts starts a copy of the
// project with none at all through `npm start`'s own script and checks that photos come out analysed.
count('model weights', await run('model weights', bin('node'), ['src-main/cli.ts', 'models', 'fetch']));
count('layer rules (eslint)', await run('layer rules (eslint)', bin('eslint'), ['.', '--max-warnings=0']));
count('types (tsc -b)', await run('types (tsc -b)', bin('tsc'), ['-b']));
// The benchmarks are no project of the build (they emit nothing), so they are checked on their own.
count('types (bench)', await run('types (bench)', bin('tsc'), ['-p', 'bench']));
count('renderer build (vite)', await run('renderer build (vite)', bin('vite'), ['build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']));

const report = path.join(os.tmpdir(), `lightbox-vitest-${process.pid}.json`);
const vitestOk = await run('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
try {
  const results = JSON.parse(await readFile(report, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  skipped += results.numPendingTests + results.numTodoTests;
  for (const file of results.testResults) {
    for (const test of file.assertionResults) if (test.status === 'failed') failures.push(`${path.relative(root, file.name)} > ${test.fullName}`);
    // A file that failed to load, or whose beforeAll threw (its tests then read as skipped), has no
    // failed assertion but must still count as a failure.
    if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed')) {
      failed += 1;
      failures.push(`${path.relative(root, file.name)} (suite failed: ${file.message?.split('\n')[0] ?? 'unknown error'})`);
    }
  }
  // vitest failing with nothing counted above (an unhandled error between tests) is still red.
  if (!vitestOk && failed === 0) {
    failed += 1;
    failures.push('vitest exited with an error outside any test; see its output above');
  }
  await rm(report, { force: true });
} catch (error) {
  failed += 1;
  failures.push(`vitest produced no report (${error.message})${vitestOk ? '' : '; see its output above'}`);
}

if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed === 0 ? 0 : 1;
