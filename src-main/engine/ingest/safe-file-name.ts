/**
 * A file name that is valid on every filesystem a library may live on (ext4, APFS, NTFS, exFAT, SMB),
 * so a library folder can be copied between machines. Keeps the extension: the media layer and the
 * photographer both go by it.
 */
const RESERVED_WINDOWS = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
// Control characters plus what NTFS/exFAT/SMB refuse; `/` and `\` so a name can never become a path.
const FORBIDDEN = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;
const EXTENSION = /^\.[\p{L}\p{N}]{1,16}$/u;

export const DEFAULT_MAX_NAME_BYTES = 180;

export function sanitizeFileName(name: string, maxBytes = DEFAULT_MAX_NAME_BYTES): string {
  // NFC: macOS hands out decomposed names; the same photo must get the same stored name everywhere.
  let clean = name.normalize('NFC').replace(FORBIDDEN, '_').trim();
  // Windows silently drops trailing dots and spaces, which would make two names collide.
  clean = clean.replace(/[. ]+$/, '');
  const parts = splitExtension(clean);
  const ext = parts.ext;
  let stem = parts.stem === '' ? 'file' : parts.stem;
  // `CON.jpg` is as reserved as `CON`: Windows looks at the part before the first dot.
  const firstPart = stem.split('.')[0] ?? '';
  if (RESERVED_WINDOWS.test(firstPart)) stem = `_${stem}`;
  return truncateStem(stem, ext, maxBytes) + ext;
}

export function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  // Only a short alphanumeric tail counts: `v1.2 final` or `.._x` have no extension to protect.
  if (dot <= 0 || !EXTENSION.test(name.slice(dot))) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

/** Cuts on code points (never inside a surrogate pair) until stem + ext fit in `maxBytes` of UTF-8. */
function truncateStem(stem: string, ext: string, maxBytes: number): string {
  const budget = Math.max(1, maxBytes - Buffer.byteLength(ext));
  if (Buffer.byteLength(stem) <= budget) return stem;
  let out = '';
  let used = 0;
  for (const ch of stem) {
    const bytes = Buffer.byteLength(ch);
    if (used + bytes > budget) break;
    out += ch;
    used += bytes;
  }
  return out.replace(/[. ]+$/, '') || 'file';
}
