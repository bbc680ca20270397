import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot, readManifest } from '../test-support/corpus.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const RENDERER_INDEX = path.join(projectRoot, 'dist/renderer/index.html');
export const SCREENSHOTS = path.join(projectRoot, 'e2e/screenshots');
const NODE = path.join(projectRoot, 'node_modules/.bin/node');

export type RunningServer = { child: ChildProcessWithoutNullStreams; url: string };

/** Fails early with the fix when the built UI or the browser is missing. */
export function assertPrerequisites(): void {
  if (!existsSync(RENDERER_INDEX)) throw new Error(`${RENDERER_INDEX} is missing: run \`npm run build:renderer\` before the e2e tests.`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\`.`);
}

/** Resolves with the printed link, or rejects with the server's own stderr if it dies or stays silent. */
export function startServer(libraryDir: string, watchDirs: string[], extraArgs: string[] = []): Promise<RunningServer> {
  const args = ['src-main/cli.ts', 'serve', '--library', libraryDir, ...watchDirs.flatMap((dir) => ['--watch', dir]), '--port', '0', ...extraArgs];
  const child = spawn(NODE, args, { cwd: projectRoot, env: { ...process.env, NO_COLOR: '1' } });
  return serverReady(child, 'lightbox serve').then((url) => ({ child, url }));
}

/**
 * The link a starting server prints ("Lightbox is running at …"); rejects with what it printed if
 * it exits first or prints nothing within `timeoutMs`. `output` receives everything it prints.
 */
export function serverReady(child: ChildProcessWithoutNullStreams, what: string, options: { timeoutMs?: number; output?: (text: string) => void } = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} printed no URL within ${timeoutMs / 1000} s.\nstdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.output?.(chunk.toString());
      const match = /Lightbox is running at (\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.output?.(chunk.toString());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

export async function stopServer(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Small, well-formed camera JPEGs from the corpus: the point here is the UI, not the decoder. */
export function pickJpegs(count: number): string[] {
  const rows = readManifest().filter((r) => r.format === 'JPEG' && r.path.startsWith('jpeg/camera/') && r.vipsHeader === 'ok' && r.bytes < 1_000_000 && !r.notes);
  if (rows.length < count) throw new Error(`The corpus has only ${rows.length} small, valid camera JPEGs under jpeg/camera/; ${count} needed.`);
  return rows.slice(0, count).map((r) => r.path);
}
