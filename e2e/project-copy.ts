import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../test-support/corpus.ts';

/**
 * What a fresh clone of this working tree looks like: every file git tracks (and every new file it
 * does not ignore), nothing it ignores, so no models/weights, no models/cache, no dist/. Only
 * node_modules is linked to this checkout's, as `npm ci` would have filled it (the worktrees share
 * one the same way).
 */
export async function copyProject(dest: string): Promise<string> {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: projectRoot, maxBuffer: 64 << 20 })
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const rel of listed) {
    const to = path.join(dest, rel);
    await mkdir(path.dirname(to), { recursive: true });
    // A file deleted in the working tree but not yet in git's index is not part of the copy either.
    await copyFile(path.join(projectRoot, rel), to).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  await symlink(path.join(projectRoot, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  return dest;
}

/** The tarballs the bundled models come from, as a fetch left them in this checkout's models/cache. */
export async function cachedModelPackages(): Promise<Array<{ name: string; version: string; tarball: string }>> {
  const manifest = JSON.parse(await readFile(path.join(projectRoot, 'models/manifest.json'), 'utf8')) as {
    models: Array<{ obtain: { kind: string; package?: string; version?: string } }>;
  };
  const cache = path.join(projectRoot, 'models/cache');
  const present = new Set(await readdir(cache).catch(() => [] as string[]));
  return manifest.models
    .filter((m) => m.obtain.kind === 'npm-pack')
    .map(({ obtain }) => {
      const file = `${obtain.package!.replace(/^@/, '').replace('/', '-')}-${obtain.version}.tgz`;
      if (!present.has(file)) throw new Error(`${path.join(cache, file)} is missing: run \`npm run models\` first (npm test does), which keeps the packages it fetched there.`);
      return { name: obtain.package!, version: obtain.version!, tarball: path.join(cache, file) };
    });
}
