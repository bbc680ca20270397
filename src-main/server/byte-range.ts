/** One byte range of a file, both ends inclusive (as Content-Range writes them). */
export type ByteRange = { start: number; end: number };

/**
 * The single range a `Range` header asks of a file of `size` bytes (RFC 9110 §14): a range, the
 * string 'unsatisfiable' (416), or null to send the whole file (no header, a unit other than
 * bytes, a malformed or multi-range request: a server may always answer those with 200).
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/**
 * If-Range: the range applies only while the file is the one the client has part of. Only a strong
 * ETag compares (a weak one never matches), or the exact Last-Modified date.
 */
export function ifRangeHolds(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"')) return !etag.startsWith('W/') && value === etag;
  return value === lastModified;
}
