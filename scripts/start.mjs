// `npm start`: the Electron window where Electron can start, otherwise the headless server.
// Electron downloads its binary on first use; offline (or on a server) that fails, so we look
// before we leap instead of crashing with Electron's own install error. Either way the engine
// fetches missing model weights in the background (a fresh clone has none; see models/README.md),
// and starts without them when it cannot.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { mallocEnv } from '../src-main/malloc-env.ts';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// The malloc settings are read once by glibc when the app's process starts (see src-main/malloc-env.ts).
const env = mallocEnv({ ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` });

function step(label, command, args) {
  console.log(`> ${label}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

step('building the UI', bin('vite'), ['build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']);

function electronBinary() {
  try {
    const pathFile = path.join(root, 'node_modules', 'electron', 'path.txt');
    if (!existsSync(pathFile)) return null;
    const executable = path.join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(executable) ? executable : null;
  } catch {
    return null;
  }
}

const electron = process.env.LIGHTBOX_HEADLESS ? null : electronBinary();
const args = process.argv.slice(2);
let child;
if (electron) {
  step('compiling the app', bin('tsc'), ['-b']);
  console.log('> starting the Lightbox window');
  child = spawn(electron, [root, ...args], { cwd: root, env, stdio: 'inherit' });
} else {
  console.log('> Electron cannot start on this machine (no Electron binary): starting the headless server instead.');
  console.log('  Open the printed link in a browser; the same UI runs there.');
  // --fetch-models: a fresh clone has no model weights; the engine fetches them with npm in the
  // background (progress here and in the window) while it already serves the UI.
  child = spawn(bin('node'), ['src-main/cli.ts', 'serve', '--fetch-models', ...args], { cwd: root, env, stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
