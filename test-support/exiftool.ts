import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * exiftool, the reference reader (Immich reads files through it), for tests that check what a
 * written file really says. Tests that need it skip when it is not installed.
 */
export const exiftoolPath: string | null = ['/usr/bin/exiftool', '/usr/local/bin/exiftool'].find((p) => existsSync(p)) ?? null;
export const hasExiftool = exiftoolPath !== null;

/** Every tag exiftool finds, keyed `Group1:Tag` (e.g. `ExifIFD:DateTimeOriginal`, `XMP-dc:Subject`). */
export function exiftoolTags(file: string, args: string[] = []): Record<string, unknown> {
  if (!exiftoolPath) throw new Error('exiftool is not installed');
  const out = execFileSync(exiftoolPath, ['-j', '-G1', '-a', '-struct', ...args, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const [tags] = JSON.parse(out) as Array<Record<string, unknown>>;
  return tags ?? {};
}
