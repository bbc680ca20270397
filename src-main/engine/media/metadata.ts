import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import type { MediaWarning } from '../../contract/errors.ts';
import type { CaptureDate, Gps, PhotoMetadata } from '../../contract/photo.ts';
import { captureFactsFrom } from './capture-facts.ts';
import { descriptiveFrom, overlay } from './descriptive.ts';
import { captureInstant, type CaptureInstant } from './capture-instant.ts';
import { makerNoteZoneOf } from './maker-note-zone.ts';
import { detectFormat } from './detect-format.ts';
import { cr3Box, rafJpeg } from './exif-tiff.ts';
import type { DetectedFormat } from './detect-format.ts';
import { iccDescription } from './icc.ts';
import { readMetadataBytes } from './metadata-bytes.ts';
import { warning } from './media-error.ts';
import {
  canonicalPrefixes, captureDate, firstNumber, gpsFrom, normaliseOffset, parseDate, rationalOrNumber, stringList, text, xmpCoordinate,
} from './metadata-values.ts';

export type MediaMetadata = {
  captureDate: CaptureDate | null;
  /** The capture time as Immich resolves it (zone from tags, maker note, GPS…); see capture-instant.ts. */
  captureInstant: CaptureInstant | null;
  gps: Gps | null;
  metadata: PhotoMetadata;
  /** EXIF Orientation as written. For HEIC the HEIF transforms win: use OpenedImage for display. */
  orientation: number | null;
  warnings: MediaWarning[];
};

type Block = Record<string, unknown>;
type Parsed = Record<string, Block | undefined>;

/**
 * Raw values (no reviving, no translating): dates stay strings we can read as wall-clock time and
 * Orientation stays a number. Separate blocks (mergeOutput false) tell an EXIF date from an XMP one.
 */
type ExifrOptions = NonNullable<Parameters<typeof exifr.parse>[1]>;

const EXIFR_BASE = {
  tiff: true, exif: true, gps: true, xmp: true, icc: true, iptc: true, ifd1: false,
  interop: false, makerNote: false, userComment: false,
  reviveValues: false, translateValues: false, translateKeys: true, mergeOutput: false, multiSegment: true,
};
const EXIFR_OPTIONS = EXIFR_BASE as ExifrOptions;
/** For a lone TIFF blob (CR3 boxes): only its first IFD. */
const EXIFR_IFD0_ONLY = { ...EXIFR_BASE, exif: false, gps: false } as ExifrOptions;

const EMPTY: PhotoMetadata = {
  make: null, model: null, lens: null, iso: null, exposureTime: null, fNumber: null, focalLength: null,
  rating: null, title: null, description: null, keywords: [], iccProfile: null,
};

/** Never throws for a broken EXIF: what can be read is returned with a 'metadata-unreadable' warning. */
export async function readMetadata(filePath: string): Promise<MediaMetadata> {
  const warnings: MediaWarning[] = [];
  const name = path.basename(filePath);
  let file: Buffer;
  try {
    file = await readMetadataBytes(filePath);
  } catch (error) {
    return { captureDate: null, captureInstant: null, gps: null, metadata: { ...EMPTY }, orientation: null, warnings: [warning('metadata-unreadable', `Could not read ${name} for its metadata: ${(error as Error).message}.`)] };
  }
  const format = detectFormat(file.subarray(0, 4096), name);
  let embedded: Parsed = {};
  try {
    embedded = canonicalPrefixes(await parseEmbedded(file, format));
  } catch (error) {
    warnings.push(warning('metadata-unreadable', `The metadata (EXIF/XMP) in ${name} is damaged and could not be read (${(error as Error).message}); the photo itself is not affected.`));
  }
  if (embedded.errors && format !== null) {
    warnings.push(warning('metadata-unreadable', `Part of the metadata (EXIF/XMP) in ${name} is damaged and was skipped; the photo itself is not affected.`));
  }
  const sidecar = await readSidecar(filePath, warnings);
  // A maker note we cannot walk only loses its zone; the rest of the metadata stands.
  const makerZone = await makerNoteZoneOf(file, format, text(embedded.ifd0?.Make)).catch(() => null);
  return { ...combine(embedded, sidecar, warnings), captureInstant: captureInstant(captureFactsFrom(embedded, sidecar, makerZone)) };
}

async function parseEmbedded(file: Buffer, format: DetectedFormat | null): Promise<Parsed> {
  if (format === null) return {};
  if (format === 'cr3') return parseCr3(file);
  if (format === 'raf') {
    const jpeg = rafJpeg(file);
    return jpeg ? ((await exifr.parse(jpeg, EXIFR_OPTIONS)) ?? {}) : {};
  }
  let parsed: Parsed = {};
  let failure: unknown = null;
  try {
    parsed = ((await exifr.parse(file, EXIFR_OPTIONS)) as Parsed | undefined) ?? {};
  } catch (error) {
    failure = error;
  }
  // exifr 7 knows no WebP and trips over some AVIF/HEIC item layouts; libvips extracts those
  // EXIF blocks reliably, so ask it before giving up.
  if (!parsed.ifd0 && VIA_SHARP.has(format)) {
    const viaSharp = await parseViaSharp(file).catch(() => null);
    if (viaSharp?.ifd0) {
      const { errors: _ignored, ...rest } = parsed;
      parsed = { ...rest, ...viaSharp };
      failure = null;
    } else if (viaSharp && failure && /unknown file format/i.test((failure as Error).message)) {
      // A WebP without EXIF: nothing is broken, there is just nothing for exifr to read.
      parsed = viaSharp;
      failure = null;
    }
  }
  if (failure) throw failure;
  if (parsed.errors && !(parsed.ifd0 && parsed.exif && parsed.gps)) return { ...(await parseBlockByBlock(file)), errors: parsed.errors };
  return parsed;
}

/** The tags `combine` reads; asking for just these lets exifr step over a broken neighbour. */
const USED_TAGS = [
  'Make', 'Model', 'Orientation', 'DateTimeOriginal', 'CreateDate', 'SubSecTimeOriginal', 'SubSecTimeDigitized',
  'OffsetTimeOriginal', 'OffsetTime', 'OffsetTimeDigitized', 'ExposureTime', 'FNumber', 'FocalLength', 'ISO',
  'ISOSpeedRatings', 'LensModel', 'GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef', 'GPSAltitude', 'GPSAltitudeRef',
];

/**
 * One broken tag makes exifr drop every TIFF block at once (a Sony HX5V writes an IFD0 entry of
 * type 0); reading only the tags we use skips the broken one.
 */
async function parseBlockByBlock(file: Buffer): Promise<Parsed> {
  const picked = (await exifr.parse(file, { ...EXIFR_BASE, xmp: false, icc: false, pick: USED_TAGS } as ExifrOptions).catch(() => null)) as Parsed | null;
  const rest = (await exifr.parse(file, { ...EXIFR_BASE, tiff: false, exif: false, gps: false } as ExifrOptions).catch(() => null)) as Parsed | null;
  const merged: Parsed = { ...(rest ?? {}), ...(picked ?? {}) };
  delete merged.errors;
  return merged;
}

const VIA_SHARP: ReadonlySet<DetectedFormat> = new Set<DetectedFormat>(['webp', 'avif', 'heic', 'png']);

async function parseViaSharp(file: Buffer): Promise<Parsed> {
  const meta = await sharp(file).metadata();
  const parsed: Parsed = {};
  if (meta.exif) Object.assign(parsed, ((await exifr.parse(stripExifHeader(meta.exif), EXIFR_OPTIONS)) as Parsed | undefined) ?? {});
  const description = meta.icc ? iccDescription(meta.icc) : null;
  if (description) parsed.icc = { ProfileDescription: description };
  return parsed;
}

function stripExifHeader(exif: Buffer): Buffer {
  return exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
}

/** CR3 stores IFD0, the EXIF IFD and the GPS IFD as three little TIFFs (CMT1, CMT2, CMT4). */
async function parseCr3(file: Buffer): Promise<Parsed> {
  const result: Parsed = {};
  const ifd0 = cr3Box(file, 'CMT1');
  const exif = cr3Box(file, 'CMT2');
  const gps = cr3Box(file, 'CMT4');
  if (ifd0) result.ifd0 = ((await exifr.parse(ifd0, EXIFR_IFD0_ONLY)) as Parsed | undefined)?.ifd0;
  // A standalone EXIF IFD parses as "ifd0" but its tags are EXIF tags: exifr names them by ID.
  if (exif) result.exif = renameTags(((await exifr.parse(exif, EXIFR_IFD0_ONLY)) as Parsed | undefined)?.ifd0, EXIF_TAG_NAMES);
  if (gps) result.gps = gpsDecimal(renameTags(((await exifr.parse(gps, EXIFR_IFD0_ONLY)) as Parsed | undefined)?.ifd0, GPS_TAG_NAMES));
  return result;
}

/** The few EXIF/GPS tags we use, by ID: exifr does not name them outside their usual IFD. */
const EXIF_TAG_NAMES: Record<string, string> = {
  33434: 'ExposureTime', 33437: 'FNumber', 34855: 'ISO', 36867: 'DateTimeOriginal', 36868: 'CreateDate',
  36881: 'OffsetTimeOriginal', 36880: 'OffsetTime', 36882: 'OffsetTimeDigitized', 37386: 'FocalLength',
  37521: 'SubSecTimeOriginal', 37522: 'SubSecTimeDigitized', 42036: 'LensModel',
};
const GPS_TAG_NAMES: Record<string, string> = { 1: 'GPSLatitudeRef', 2: 'GPSLatitude', 3: 'GPSLongitudeRef', 4: 'GPSLongitude', 5: 'GPSAltitudeRef', 6: 'GPSAltitude' };

function renameTags(block: Block | undefined, names: Record<string, string>): Block | undefined {
  if (!block) return undefined;
  return Object.fromEntries(Object.entries(block).map(([key, value]) => [names[key] ?? key, value]));
}

function gpsDecimal(block: Block | undefined): Block | undefined {
  if (!block) return undefined;
  const dms = (v: unknown, ref: unknown, negative: string) => {
    if (!Array.isArray(v) || v.length < 3) return undefined;
    const [d, m, s] = v.map(Number) as [number, number, number];
    const deg = d + m / 60 + s / 3600;
    return ref === negative ? -deg : deg;
  };
  return { ...block, latitude: dms(block.GPSLatitude, block.GPSLatitudeRef, 'S'), longitude: dms(block.GPSLongitude, block.GPSLongitudeRef, 'W') };
}

async function readSidecar(filePath: string, warnings: MediaWarning[]): Promise<Parsed | null> {
  const sidecarPath = await findSidecar(filePath);
  if (!sidecarPath) return null;
  try {
    const parsed = await parseXmp(await readFile(sidecarPath, 'utf8'));
    return parsed ? canonicalPrefixes(parsed) : null;
  } catch (error) {
    warnings.push(warning('metadata-unreadable', `The XMP sidecar ${path.basename(sidecarPath)} could not be read (${(error as Error).message}); its rating, title and keywords were ignored.`));
    return null;
  }
}

type XmpParser = { parse(xml: string, options: unknown): Parsed | Promise<Parsed> };
type ExifrInternals = { Options: new (o: unknown) => Record<string, Record<string, unknown>>; segmentParsers: Map<string, XmpParser> };

/**
 * exifr's XMP parser on a sidecar's text. Not `exifr.sidecar`: the ESM build (what vitest and
 * bundlers load) leaves `sidecar` off its default export, so we call the same parser it uses.
 */
async function parseXmp(xml: string): Promise<Parsed | null> {
  const internals = exifr as unknown as ExifrInternals;
  const options = new internals.Options({ xmp: true, reviveValues: false, translateValues: false, mergeOutput: false });
  const xmpOptions = options.xmp!;
  xmpOptions.enabled = true;
  xmpOptions.parse = true;
  const parser = internals.segmentParsers.get('xmp');
  return parser ? ((await parser.parse(xml, xmpOptions)) ?? null) : null;
}

/** `IMG_1.xmp` or `IMG_1.CR3.xmp` next to the photo, in any letter case (Lightroom, darktable). */
export async function findSidecar(filePath: string): Promise<string | null> {
  const dir = path.dirname(filePath);
  const name = path.basename(filePath);
  const stem = name.slice(0, name.length - path.extname(name).length);
  const names = await listing(dir);
  const found = names?.get(`${stem}.xmp`.toLowerCase()) ?? names?.get(`${name}.xmp`.toLowerCase());
  return found ? path.join(dir, found) : null;
}

/**
 * The folder's .xmp names by lower case, listed again only when the folder changes: a card dump
 * of 2,000 photos would otherwise list 2,000 entries for each of them.
 */
async function listing(dir: string): Promise<Map<string, string> | null> {
  const info = await stat(dir).catch(() => null);
  if (!info) return null;
  const cached = SIDECAR_LISTINGS.get(dir);
  if (cached && cached.mtimeMs === info.mtimeMs) return cached.names;
  const entries = await readdir(dir).catch(() => null);
  if (!entries) return null;
  const names = new Map(entries.filter((e) => e.toLowerCase().endsWith('.xmp')).map((e) => [e.toLowerCase(), e]));
  SIDECAR_LISTINGS.delete(dir);
  SIDECAR_LISTINGS.set(dir, { mtimeMs: info.mtimeMs, names });
  // Oldest first in a Map: keep the folders seen most recently.
  if (SIDECAR_LISTINGS.size > 64) SIDECAR_LISTINGS.delete(SIDECAR_LISTINGS.keys().next().value!);
  return names;
}

const SIDECAR_LISTINGS = new Map<string, { mtimeMs: number; names: Map<string, string> }>();

function positive(n: number | null): number | null {
  return n !== null && n > 0 ? n : null;
}

function combine(embedded: Parsed, sidecar: Parsed | null, warnings: MediaWarning[]): Omit<MediaMetadata, 'captureInstant'> {
  const ifd0 = embedded.ifd0 ?? {};
  const exif = embedded.exif ?? {};
  const gps = embedded.gps ?? {};
  const xmp = embedded.xmp ?? {};
  const s = {
    xmp: sidecar?.xmp ?? {}, dc: sidecar?.dc ?? {}, exif: sidecar?.exif ?? {}, photoshop: sidecar?.photoshop ?? {},
    aux: sidecar?.aux ?? {}, exifEX: sidecar?.exifEX ?? {}, tiff: sidecar?.tiff ?? {},
  };

  const offset = normaliseOffset(exif.OffsetTimeOriginal) ?? normaliseOffset(exif.OffsetTime);
  const xmpDate = (blocks: { exif: Block; xmp: Block; photoshop: Block }) =>
    parseDate(blocks.exif.DateTimeOriginal) ?? parseDate(blocks.photoshop.DateCreated) ?? parseDate(blocks.xmp.CreateDate);
  const date =
    captureDate(parseDate(exif.DateTimeOriginal, exif.SubSecTimeOriginal), offset, 'exif') ??
    captureDate(parseDate(exif.CreateDate, exif.SubSecTimeDigitized), normaliseOffset(exif.OffsetTimeDigitized) ?? offset, 'exif') ??
    captureDate(xmpDate(s), null, 'sidecar') ??
    captureDate(xmpDate({ exif: {}, xmp, photoshop: embedded.photoshop ?? {} }), null, 'xmp');

  const location =
    gpsFrom(gps.latitude, gps.longitude, gps.GPSAltitude, gps.GPSAltitudeRef) ??
    gpsFrom(xmpCoordinate(s.exif.GPSLatitude), xmpCoordinate(s.exif.GPSLongitude), rationalOrNumber(s.exif.GPSAltitude), s.exif.GPSAltitudeRef);

  const orientation = firstNumber(ifd0.Orientation);
  // Lightroom convention: the sidecar is the newer edit, so it wins over the file's own values.
  const said = overlay(descriptiveFrom(embedded), sidecar ? descriptiveFrom(sidecar) : null);
  const metadata: PhotoMetadata = {
    make: text(ifd0.Make) ?? text(s.tiff.Make),
    model: text(ifd0.Model) ?? text(s.tiff.Model),
    lens: text(exif.LensModel) ?? text(s.exifEX.LensModel) ?? text(s.aux.Lens) ?? text(embedded.aux?.Lens),
    iso: positive(firstNumber(exif.ISO)) ?? positive(firstNumber(s.exif.ISOSpeedRatings)),
    exposureTime: rationalOrNumber(exif.ExposureTime) ?? rationalOrNumber(s.exif.ExposureTime),
    fNumber: rationalOrNumber(exif.FNumber) ?? rationalOrNumber(s.exif.FNumber),
    focalLength: rationalOrNumber(exif.FocalLength) ?? rationalOrNumber(s.exif.FocalLength),
    rating: firstNumber(s.xmp.Rating) ?? firstNumber(xmp.Rating),
    title: said.title,
    description: said.description,
    // A sidecar's keyword list replaces the file's, even when the photographer emptied it.
    keywords: sidecar && s.dc.subject !== undefined ? stringList(s.dc.subject) : said.keywords,
    iccProfile: text(embedded.icc?.ProfileDescription),
    creator: said.creator,
    copyright: said.copyright,
    usageTerms: said.usageTerms,
    label: said.label,
  };
  return { captureDate: date, gps: location, metadata, orientation: orientation !== null && orientation >= 1 && orientation <= 8 ? orientation : null, warnings };
}
