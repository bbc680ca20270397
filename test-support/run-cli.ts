import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from './corpus.ts';

export const NODE = path.join(projectRoot, 'node_modules', '.bin', 'node');
export const CLI = path.join(projectRoot, 'src-main', 'cli.ts');

export type CliResult = { code: number | null; stdout: string; stderr: string };

/**
 * `lightbox ARGS...` as a real child process on the project's Node. Asynchronous on purpose: a test
 * may serve the child (a model home, an Immich double) from this very process.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
