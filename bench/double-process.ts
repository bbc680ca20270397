import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../test-support/corpus.ts';

export const benchNode = path.join(projectRoot, 'node_modules', '.bin', 'node');

/**
 * A fresh Immich double in a child process storing to disk (`storage` is emptied first), so each
 * arm of a benchmark starts with an empty server and the RSS measured in this process is not the server's.
 */
export async function startDouble(storage: string, key: string): Promise<{ url: string; stop(): Promise<void> }> {
  await rm(storage, { recursive: true, force: true });
  await mkdir(storage, { recursive: true });
  const child = spawn(benchNode, [path.join(projectRoot, 'e2e/immich-double/cli.ts'), '--port', '0', '--key', key, '--storage', storage], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the double exited (${code})`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
