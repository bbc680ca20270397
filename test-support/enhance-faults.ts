// The auto-enhance benchmark's material: the reference photos, their fixed tuning/report split, and the
// faults made to them in linear light. Shared by bench/enhance.ts and the enhance tests.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { corpusPath } from './corpus.ts';

// The "camera" side of the experiment keeps its own sRGB transfer curve (IEC 61966-2-1), independent
// of the code under test, so a bug there cannot cancel itself out.
const decodeTransfer = (v: number): number => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const encodeTransfer = (v: number): number => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);

/**
 * Photographs from the corpus a photographer would call finished: camera and phone JPEGs, the
 * content set, a few AVIF/WebP/TIFF photos. Left out: graphics and test charts, the tiny stubs, the
 * HEICs Debian's libvips cannot decode, an almost black frame (exifr-canon-dslr) a fault cannot be
 * seen on, and the corpus' own degraded copies (quality ladders, low contrast, HDR-on twins).
 */
export const REFERENCES = [
  'jpeg/camera/Android_Depth_Map.jpg', 'jpeg/camera/Apple_iPhone_4.jpg', 'jpeg/camera/Apple_iPhone_4S.jpg',
  'jpeg/camera/Apple_iPhone_5.jpg', 'jpeg/camera/Apple_iPhone_6_plus.jpg', 'jpeg/camera/Blackberry_Z10.jpg',
  'jpeg/camera/Canon_EOS_20D_2.jpg', 'jpeg/camera/Canon_EOS_7D.jpg', 'jpeg/camera/Canon_EOS_D60.jpg',
  'jpeg/camera/Canon_PowerShot_A85.jpg', 'jpeg/camera/FujiFilm_DX-10.jpg', 'jpeg/camera/FujiFilm_FinePixS1Pro_1.jpg',
  'jpeg/camera/FujiFilm_FinePixS1Pro_5.jpg', 'jpeg/camera/HMD_Nokia_8.3_5G.jpg', 'jpeg/camera/HTC_Desire.jpg',
  'jpeg/camera/Jolla.jpg', 'jpeg/camera/Kodak_PIXPRO_S-1.jpg', 'jpeg/camera/Leica_T_Typ_701.jpg',
  'jpeg/camera/Motorola_XT1068_Moto_G.jpg', 'jpeg/camera/Nexus_4.jpg', 'jpeg/camera/Nikon_D1X.jpg',
  'jpeg/camera/Nikon_D5000.jpg', 'jpeg/camera/Nikon_D70.jpg', 'jpeg/camera/Nokia_Lumia_800.jpg',
  'jpeg/camera/Olympus_FE230-X790.jpg', 'jpeg/camera/Olympus_PEN_E-P3.jpg', 'jpeg/camera/Oppo_R7_Plus.jpg',
  'jpeg/camera/Panasonic_DMC-LC40.jpg', 'jpeg/camera/Samsung_GT-I9000_Galaxy_S.jpg', 'jpeg/camera/Samsung_SM-G935L_Galaxy_S7_Edge.jpg',
  'jpeg/camera/Samsung_SM-J327T1.jpg', 'jpeg/camera/Sony_Cybershot_3.jpg', 'jpeg/camera/Sony_DSC-HX5V_2.jpg',
  'jpeg/camera/exifr-IMG_20180725_163423.jpg', 'jpeg/xmp/IMG_5910.jpg', 'jpeg/xmp/xmp_depth_map.jpg',
  'content/skimage/astronaut.png', 'content/skimage/chelsea.png', 'content/skimage/coffee.png', 'content/skimage/rocket.jpg',
  'content/people/fr-two_people.jpg', 'content/people/fr-obama.jpg', 'content/people/fr-biden.jpg',
  'content/people/fr-obama_and_biden.jpg', 'content/people/concert.jpg', 'content/near-dup/canon_hdr_NO.jpg',
  'content/near-dup/iphone_hdr_NO.jpg', 'content/quality/saw-original.jpg', 'other/avif/mountains.avif', 'other/avif/fox.avif',
  'other/avif/Irvine_CA.avif', 'other/webp/webp-gallery-4.webp', 'other/webp/Nikon_Coolpix_P7000.webp', 'other/tiff/cielab-16bit.tiff',
] as const;

/**
 * The fixed split: a photo is for tuning when the first byte of the SHA-256 of its corpus path is
 * even, for the report when it is odd. Decided by the name alone, before any result was seen, so
 * the report half says how the tuned constants do on photos they were never fitted to.
 */
export function splitOf(relative: string): 'tune' | 'report' {
  return createHash('sha256').update(relative).digest()[0]! % 2 === 0 ? 'tune' : 'report';
}

/** Long side of the bench images: the size analysis decodes to. */
export const BENCH_SIZE = 1024;

export type Rgb8 = { data: Uint8Array; width: number; height: number };

/** A reference as the photographer sees it: oriented, sRGB, 8-bit, at most BENCH_SIZE on its long side. */
export async function loadReference(relative: string): Promise<Rgb8> {
  const { data, info } = await sharp(corpusPath(relative))
    .autoOrient()
    .resize(BENCH_SIZE, BENCH_SIZE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export type LinearFault = (r: number, g: number, b: number) => [number, number, number];

/** Channel gains normalised so a neutral grey keeps its luminance: a pure colour cast. */
export function cast(r: number, g: number, b: number): LinearFault {
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (R, G, B) => [(R * r) / y, (G * g) / y, (B * b) / y];
}
export const exposure = (ev: number): LinearFault => (r, g, b) => [r * 2 ** ev, g * 2 ** ev, b * 2 ** ev];
/** Veiling flare / haze: a quarter of the light replaced by an even mid-grey (lifts blacks, dims whites). */
const flat: LinearFault = (r, g, b) => [0.75 * r + 0.25 * 0.18, 0.75 * g + 0.25 * 0.18, 0.75 * b + 0.25 * 0.18];
const both = (f: LinearFault, g: LinearFault): LinearFault => (r, gr, b) => g(...f(r, gr, b));

/** The faults, each made in linear light then clipped and encoded as a camera would. */
export const FAULTS = [
  { id: 'under', label: 'exposure -1.3 EV', fault: exposure(-1.3) },
  { id: 'over', label: 'exposure +0.7 EV', fault: exposure(0.7) },
  { id: 'warm', label: 'warm cast (R x1.25, B x0.75)', fault: cast(1.25, 1, 0.75) },
  { id: 'cool', label: 'cool cast (R x0.8, B x1.3)', fault: cast(0.8, 1, 1.3) },
  { id: 'green', label: 'green cast (G x1.2)', fault: cast(1, 1.2, 1) },
  { id: 'flat', label: 'flat (25% veil of mid-grey)', fault: flat },
  { id: 'mix', label: 'mix: -1 EV and warm cast', fault: both(exposure(-1), cast(1.25, 1, 0.75)) },
] as const;
export type FaultId = (typeof FAULTS)[number]['id'];

const LINEAR_8 = Float64Array.from({ length: 256 }, (_, i) => decodeTransfer(i / 255));
const encode8 = (v: number) => Math.round(encodeTransfer(Math.min(1, Math.max(0, v))) * 255);

export function applyFault(ref: Rgb8, fault: LinearFault): Rgb8 {
  const out = new Uint8Array(ref.data.length);
  for (let i = 0; i < out.length; i += 3) {
    const [r, g, b] = fault(LINEAR_8[ref.data[i]!]!, LINEAR_8[ref.data[i + 1]!]!, LINEAR_8[ref.data[i + 2]!]!);
    out[i] = encode8(r);
    out[i + 1] = encode8(g);
    out[i + 2] = encode8(b);
  }
  return { ...ref, data: out };
}

/** As a camera would deliver it: JPEG q95 (4:4:4, so the figures measure the edit, not chroma subsampling). */
export function toJpeg(image: Rgb8): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

/** Decodes a rendered file back to 8-bit sRGB at the reference's size, for ΔE. */
export async function decodeRgb8(file: Buffer): Promise<Rgb8> {
  const { data, info } = await sharp(file).toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
