import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * libvips (and so sharp) has built-in sRGB, P3 and CMYK profiles, but no Adobe RGB (1998) one, and
 * the profile files found on the net come with unclear or non-free terms. The colour space itself is
 * a published specification (primaries, D65 white, gamma 563/256), so we BUILD an equivalent ICC v2
 * matrix/TRC profile from those numbers: no third-party file, nothing to license. It is named
 * "compatible with Adobe RGB (1998)" because "Adobe RGB" is Adobe's trademark.
 */

const PRIMARIES = { r: [0.64, 0.33], g: [0.21, 0.71], b: [0.15, 0.06] } as const;
const WHITE_D65 = [0.3127, 0.329] as const;
const D50 = [0.9642, 1.0, 0.8249] as const;
/** The spec's gamma 2 51/256, exactly representable as u8Fixed8 (0x0233). */
const GAMMA_U8F8 = 0x0233;
export const ADOBE_RGB_DESCRIPTION = 'Lightbox, compatible with Adobe RGB (1998)';

type Vec3 = [number, number, number];
type Mat3 = [Vec3, Vec3, Vec3];

const xyToXYZ = ([x, y]: readonly [number, number]): Vec3 => [x / y, 1, (1 - x - y) / y];
const mul = (m: Mat3, v: Vec3): Vec3 => [
  m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
  m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
  m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
];
function inverse(m: Mat3): Mat3 {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}
const matmul = (x: Mat3, y: Mat3): Mat3 =>
  [0, 1, 2].map((r) => [0, 1, 2].map((c) => x[r]![0] * y[0]![c]! + x[r]![1] * y[1]![c]! + x[r]![2] * y[2]![c]!)) as Mat3;

/** Colorants adapted to the ICC D50 PCS with the Bradford transform, as ICC v2 expects. */
export function adobeRgbColorantsD50(): { r: Vec3; g: Vec3; b: Vec3 } {
  const cols = [xyToXYZ(PRIMARIES.r), xyToXYZ(PRIMARIES.g), xyToXYZ(PRIMARIES.b)];
  const P: Mat3 = [0, 1, 2].map((row) => cols.map((c) => c[row]!)) as Mat3;
  const S = mul(inverse(P), xyToXYZ(WHITE_D65));
  const M: Mat3 = P.map((row) => row.map((v, i) => v * S[i]!)) as Mat3;
  const bradford: Mat3 = [
    [0.8951, 0.2664, -0.1614],
    [-0.7502, 1.7135, 0.0367],
    [0.0389, -0.0685, 1.0296],
  ];
  const src = mul(bradford, xyToXYZ(WHITE_D65));
  const dst = mul(bradford, [...D50] as Vec3);
  const scale: Mat3 = [
    [dst[0] / src[0], 0, 0],
    [0, dst[1] / src[1], 0],
    [0, 0, dst[2] / src[2]],
  ];
  const adapt = matmul(inverse(bradford), matmul(scale, bradford));
  const A = matmul(adapt, M);
  const col = (i: number): Vec3 => [A[0][i]!, A[1][i]!, A[2][i]!];
  return { r: col(0), g: col(1), b: col(2) };
}

const s15f16 = (v: number) => Math.round(v * 65536);

function xyzTag(v: Vec3): Buffer {
  const b = Buffer.alloc(20);
  b.write('XYZ ', 0, 'latin1');
  v.forEach((n, i) => b.writeInt32BE(s15f16(n), 8 + i * 4));
  return b;
}

function descTag(text: string): Buffer {
  // textDescriptionType (ICC v2): ASCII part, empty Unicode part, empty ScriptCode part (67 bytes).
  const ascii = Buffer.from(`${text}\0`, 'latin1');
  const b = Buffer.alloc(12 + ascii.length + 8 + 3 + 67);
  b.write('desc', 0, 'latin1');
  b.writeUInt32BE(ascii.length, 8);
  ascii.copy(b, 12);
  return b;
}

function textTag(text: string): Buffer {
  const ascii = Buffer.from(`${text}\0`, 'latin1');
  const b = Buffer.alloc(8 + ascii.length);
  b.write('text', 0, 'latin1');
  ascii.copy(b, 8);
  return b;
}

function curveTag(): Buffer {
  const b = Buffer.alloc(14);
  b.write('curv', 0, 'latin1');
  b.writeUInt32BE(1, 8);
  b.writeUInt16BE(GAMMA_U8F8, 12);
  return b;
}

const pad4 = (n: number) => (n + 3) & ~3;

/** The profile bytes. Pure and deterministic: a fixed creation date, so renders stay byte-identical. */
export function buildAdobeRgbCompatibleProfile(): Buffer {
  const c = adobeRgbColorantsD50();
  const trc = curveTag();
  const tags: Array<[string, Buffer]> = [
    ['desc', descTag(ADOBE_RGB_DESCRIPTION)],
    ['cprt', textTag('No copyright. Built by Lightbox from the published Adobe RGB (1998) colour space values.')],
    ['wtpt', xyzTag([...D50] as Vec3)],
    ['rXYZ', xyzTag(c.r)],
    ['gXYZ', xyzTag(c.g)],
    ['bXYZ', xyzTag(c.b)],
    ['rTRC', trc],
    ['gTRC', trc],
    ['bTRC', trc],
  ];
  const headerAndTable = 128 + 4 + tags.length * 12;
  const table: Array<{ sig: string; offset: number; size: number }> = [];
  const blobs: Buffer[] = [];
  let offset = pad4(headerAndTable);
  const shared = new Map<Buffer, number>();
  for (const [sig, data] of tags) {
    const seen = shared.get(data);
    if (seen !== undefined) {
      table.push({ sig, offset: seen, size: data.length });
      continue;
    }
    shared.set(data, offset);
    table.push({ sig, offset, size: data.length });
    const padded = Buffer.alloc(pad4(data.length));
    data.copy(padded);
    blobs.push(padded);
    offset += padded.length;
  }
  const head = Buffer.alloc(pad4(headerAndTable));
  head.writeUInt32BE(offset, 0);
  head.writeUInt32BE(0x02100000, 8);
  head.write('mntr', 12, 'latin1');
  head.write('RGB ', 16, 'latin1');
  head.write('XYZ ', 20, 'latin1');
  [2024, 1, 1, 0, 0, 0].forEach((v, i) => head.writeUInt16BE(v, 24 + i * 2));
  head.write('acsp', 36, 'latin1');
  head.writeUInt32BE(0, 64); // perceptual
  D50.forEach((v, i) => head.writeInt32BE(s15f16(v), 68 + i * 4));
  head.writeUInt32BE(tags.length, 128);
  table.forEach((t, i) => {
    head.write(t.sig, 132 + i * 12, 'latin1');
    head.writeUInt32BE(t.offset, 136 + i * 12);
    head.writeUInt32BE(t.size, 140 + i * 12);
  });
  return Buffer.concat([head, ...blobs]);
}

let cachedPath: string | undefined;

/**
 * sharp's `withIccProfile` takes a file path, so the profile is written once per machine to the
 * temp folder under its own content hash (a concurrent writer produces the same bytes; rename is atomic).
 */
export function adobeRgbProfilePath(): string {
  if (cachedPath) return cachedPath;
  const bytes = buildAdobeRgbCompatibleProfile();
  const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'lightbox-icc');
  const file = path.join(dir, `adobe-rgb-compatible-${sha}.icc`);
  try {
    if (readFileSync(file).equals(bytes)) return (cachedPath = file);
  } catch {
    // not written yet
  }
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return (cachedPath = file);
}
