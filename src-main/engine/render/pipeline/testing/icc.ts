/** Just enough ICC parsing to tell profiles apart: the description and the red colorant (D50). */
export function readIcc(icc: Buffer): { description: string; red: number[] } {
  const count = icc.readUInt32BE(128);
  const tags = new Map<string, { offset: number; size: number }>();
  for (let i = 0; i < count; i++) {
    const at = 132 + i * 12;
    tags.set(icc.toString('latin1', at, at + 4), { offset: icc.readUInt32BE(at + 4), size: icc.readUInt32BE(at + 8) });
  }
  const desc = tags.get('desc')!;
  const type = icc.toString('latin1', desc.offset, desc.offset + 4);
  let description: string;
  if (type === 'desc') {
    const n = icc.readUInt32BE(desc.offset + 8);
    description = icc.toString('latin1', desc.offset + 12, desc.offset + 12 + n - 1);
  } else {
    // mluc: first record's UTF-16BE string.
    const len = icc.readUInt32BE(desc.offset + 20);
    const off = icc.readUInt32BE(desc.offset + 24);
    description = Buffer.from(icc.subarray(desc.offset + off, desc.offset + off + len)).swap16().toString('utf16le');
  }
  const r = tags.get('rXYZ')!;
  const red = [0, 1, 2].map((i) => icc.readInt32BE(r.offset + 8 + i * 4) / 65536);
  return { description, red };
}

