/**
 * The human name of an ICC profile ("Display P3", "Adobe RGB (1998)") from its `desc` tag:
 * v2 profiles store ASCII (`desc` type), v4 profiles UTF-16 records (`mluc` type).
 */
export function iccDescription(icc: Buffer): string | null {
  if (icc.length < 132) return null;
  const count = icc.readUInt32BE(128);
  for (let i = 0; i < count && 132 + i * 12 + 12 <= icc.length; i++) {
    const entry = 132 + i * 12;
    if (icc.toString('latin1', entry, entry + 4) !== 'desc') continue;
    const offset = icc.readUInt32BE(entry + 4);
    const size = icc.readUInt32BE(entry + 8);
    if (offset + size > icc.length || size < 12) return null;
    const type = icc.toString('latin1', offset, offset + 4);
    if (type === 'desc') {
      const length = icc.readUInt32BE(offset + 8);
      return clean(icc.toString('latin1', offset + 12, Math.min(offset + 12 + length, offset + size)));
    }
    if (type === 'mluc' && size >= 28) {
      const recordLength = icc.readUInt32BE(offset + 20);
      const recordOffset = icc.readUInt32BE(offset + 24);
      const start = offset + recordOffset;
      if (start + recordLength > icc.length) return null;
      return clean(Buffer.from(icc.subarray(start, start + (recordLength & ~1))).swap16().toString('utf16le'));
    }
    return null;
  }
  return null;
}

function clean(text: string): string | null {
  const s = text.replace(/\0+/g, '').trim();
  return s.length > 0 ? s : null;
}
