import path from 'node:path';

/**
 * Which names in a hot folder are never photos: OS litter, sync-client junk and files that are still
 * being downloaded under a temporary name (they reappear under their real name when done).
 * XMP sidecars are read together with their image, so they are not ingested on their own.
 */
const IGNORED_EXACT = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini', 'icon\r']);
const IGNORED_SUFFIXES = ['.part', '.crdownload', '.tmp', '.partial', '.download', '.!ut', '.filepart', '.xmp'];

/**
 * Folders that belong to the OS or a NAS, never to the photographer. Synology's `@eaDir` is the
 * dangerous one: it is full of generated JPEG thumbnails that would otherwise be ingested as photos.
 */
const IGNORED_DIRS = new Set(['@eadir', '#recycle', '#snapshot', '$recycle.bin', 'system volume information']);

export function isIgnoredName(fileName: string): boolean {
  const name = baseName(fileName);
  if (name === '') return true;
  // Leading dot covers hidden files, `.DS_Store`, AppleDouble `._*` and our own `.x.lbtmp` temp files.
  if (name.startsWith('.') || name.startsWith('~$')) return true;
  const lower = name.toLowerCase();
  if (IGNORED_EXACT.has(lower)) return true;
  return IGNORED_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/** Directories the watcher never descends into: hidden ones and OS/NAS housekeeping folders. */
export function isIgnoredDirName(dirName: string): boolean {
  const name = baseName(dirName);
  return name.startsWith('.') || IGNORED_DIRS.has(name.toLowerCase());
}

export const CANDIDATE_EXTENSIONS: ReadonlySet<string> = new Set([
  'jpg', 'jpeg', 'png', 'tif', 'tiff', 'webp', 'avif', 'heic', 'heif', 'gif', 'jxl',
  // Raw formats: we ingest them for their embedded preview and keep the raw bytes as the original.
  'dng', 'cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'srf', 'sr2', 'orf', 'rw2', 'raf', 'pef', 'srw',
  'x3f', 'iiq', 'mrw', '3fr', 'erf', 'kdc', 'mos', 'rwl',
]);

/**
 * Does the extension look like an image or raw we can handle? Deliberately NOT part of
 * `createPathFilter`: a photo saved as `IMG_0001` or `photo.jpg_original` must not vanish without a
 * word. The caller decides: ingest it anyway and let the decoder judge by content, or record it as
 * skipped ('unsupported-format') so the photographer can see why it was not taken.
 */
export function isCandidateExtension(name: string): boolean {
  const ext = path.extname(baseName(name)).slice(1).toLowerCase();
  return CANDIDATE_EXTENSIONS.has(ext);
}

export type PathFilterOptions = { include: string[]; exclude: string[] };

/**
 * Builds a predicate over absolute paths from the folder's include/exclude globs.
 *
 * Pattern rules (small on purpose; users type these into a settings field):
 * - matched against the path relative to `root`, with `/` as separator (`\` in a pattern means `/` too);
 * - `*` = any run of characters except `/`, `?` = one such character, `**` = anything including `/`
 *   (`** /` also matches no folder at all), `{a,b}` = alternatives (may nest); nothing else is special;
 * - a pattern without `/` is matched against each path segment (so `*.jpg` works at any depth and
 *   `rejects` matches a folder of that name anywhere);
 * - a pattern matches a file if it matches the file or one of its ancestor folders, so
 *   `exclude: ['rejects/**']` and `exclude: ['rejects']` both drop everything below `rejects/`;
 * - letters after the first `.` of the last segment match either case (`*.jpg` takes `IMG_1.JPG`);
 *   folder names stay case-sensitive;
 * - empty `include` means everything; `exclude` wins over `include`; paths outside `root` never match.
 */
export function createPathFilter({ include, exclude }: PathFilterOptions, root: string): (absPath: string) => boolean {
  const base = path.resolve(root);
  const includes = include.map(compilePattern).filter((m) => m !== null);
  const excludes = exclude.map(compilePattern).filter((m) => m !== null);
  const includeAll = include.every((p) => normalizePattern(p) === '');
  return (absPath) => {
    const rel = path.relative(base, path.resolve(absPath));
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return false;
    const segments = rel.normalize('NFC').split(/[\\/]+/);
    if (excludes.some((m) => m(segments))) return false;
    return includeAll || includes.some((m) => m(segments));
  };
}

type SegmentsMatcher = (segments: string[]) => boolean;

function compilePattern(pattern: string): SegmentsMatcher | null {
  const p = normalizePattern(pattern);
  if (p === '') return null;
  const lastSlash = p.lastIndexOf('/');
  const firstDotOfLast = p.indexOf('.', lastSlash + 1);
  const ciFrom = firstDotOfLast < 0 ? Number.POSITIVE_INFINITY : firstDotOfLast;
  const re = new RegExp(`^${compileRange(p, 0, p.length, ciFrom)}$`);
  if (lastSlash < 0) return (segments) => segments.some((s) => re.test(s));
  return (segments) => {
    for (let n = segments.length; n > 0; n--) {
      if (re.test(segments.slice(0, n).join('/'))) return true;
    }
    return false;
  };
}

function normalizePattern(pattern: string): string {
  return pattern.trim().normalize('NFC').replaceAll('\\', '/').replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
}

function compileRange(p: string, start: number, end: number, ciFrom: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const c = p[i] as string;
    if (c === '*') {
      if (p[i + 1] === '*') {
        i++;
        if (p[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      const close = matchingBrace(p, i, end);
      if (close < 0) {
        out += '\\{';
        continue;
      }
      const alternatives = splitTopLevel(p, i + 1, close).map(([s, e]) => compileRange(p, s, e, ciFrom));
      out += `(?:${alternatives.join('|')})`;
      i = close;
    } else if (i >= ciFrom && c.toLowerCase() !== c.toUpperCase()) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      out += c.replace(/[.+^$()|[\]\\{}*?]/g, '\\$&');
    }
  }
  return out;
}

function matchingBrace(p: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    if (p[i] === '{') depth++;
    else if (p[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(p: string, start: number, end: number): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    if (p[i] === '{') depth++;
    else if (p[i] === '}') depth--;
    else if (p[i] === ',' && depth === 0) {
      parts.push([from, i]);
      from = i + 1;
    }
  }
  parts.push([from, end]);
  return parts;
}

function baseName(name: string): string {
  const parts = name.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}
