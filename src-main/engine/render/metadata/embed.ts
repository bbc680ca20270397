import type { EmbeddedMetadata, OutputFacts } from '../pipeline/index.ts';
import { DATE_TAGS, cameraExif, dmsRationals, exifString, gpsExif, isPlainAscii, type ExifIfds } from './exif-output.ts';
import { describeOutput, type DescribeInput, type OutputDescription } from './output-description.ts';
import { provenanceXmp } from './provenance.ts';
import { SOFTWARE, softwareXmp } from './software.ts';
import { aboutXmp, cameraXmp, datesXmp, gpsXmp, placeXmp, rightsXmp, technicalXmp } from './xmp-description.ts';
import { joinXmpParts, type XmpPart } from './xmp-parts.ts';

/** `2022-08-14T14:12:31.250` -> `2022:08:14 14:12:31` and `250`. */
function exifDateParts(local: string): { date: string; subSec: string | null } {
  const [day = '', time = ''] = local.split('T');
  const [clock = '', frac = ''] = time.split('.');
  return { date: `${day.replace(/-/g, ':')} ${clock}`, subSec: frac && /[1-9]/.test(frac) ? frac.replace(/0+$/, '') : null };
}

function datesExif(d: OutputDescription, ifd2: Record<string, string>): void {
  if (!d.capture || !d.camera) return;
  const source = d.camera.exif;
  if (source.has(DATE_TAGS.DateTimeOriginal)) {
    for (const [name, tag] of Object.entries(DATE_TAGS)) {
      const v = source.get(tag);
      const s = v ? exifString(v) : null;
      if (s) ifd2[name] = s;
    }
  } else {
    // A date from XMP, IPTC or a sidecar: EXIF's own tag, which every reader looks at first.
    const { date, subSec } = exifDateParts(d.capture.instant.localDateTime);
    ifd2.DateTimeOriginal = date;
    if (subSec) ifd2.SubSecTimeOriginal = subSec;
  }
  const offset = d.capture.instant.instant?.slice(23);
  if (d.capture.addOffset && offset) {
    ifd2.OffsetTimeOriginal = offset;
    if (ifd2.DateTimeDigitized && !ifd2.OffsetTimeDigitized) ifd2.OffsetTimeDigitized = offset;
  }
}

function positionExif(pos: NonNullable<OutputDescription['position']>): Record<string, string> {
  const ifd3: Record<string, string> = {
    GPSLatitudeRef: pos.latitude < 0 ? 'S' : 'N', GPSLatitude: dmsRationals(pos.latitude),
    GPSLongitudeRef: pos.longitude < 0 ? 'W' : 'E', GPSLongitude: dmsRationals(pos.longitude),
  };
  if (pos.altitude !== null && pos.altitude >= 0) Object.assign(ifd3, { GPSAltitudeRef: '0', GPSAltitude: `${Math.round(pos.altitude * 1000)}/1000` });
  return ifd3;
}

/** The EXIF directories of a processed JPEG, WebP, AVIF or PNG. */
export function exifFor(d: OutputDescription, facts: Pick<OutputFacts, 'width' | 'height' | 'colourSpace'>): ExifIfds {
  const { IFD0, IFD2 } = d.camera ? cameraExif({ ...d.camera, gps: new Map() }) : { IFD0: {}, IFD2: {} };
  datesExif(d, IFD2);
  if (d.lens && !IFD2.LensModel && isPlainAscii(d.lens)) IFD2.LensModel = d.lens;
  const IFD3 = d.gps ? gpsExif(d.gps) : d.position ? positionExif(d.position) : {};
  IFD0.Orientation = '1';
  IFD0.Software = SOFTWARE;
  const ascii = (s: string | null | undefined) => (s && isPlainAscii(s) ? s : null);
  const artist = ascii(d.rights.creator.join('; '));
  const copyright = ascii(d.rights.copyright);
  const description = ascii(d.about?.description);
  if (artist) IFD0.Artist = artist;
  if (copyright) IFD0.Copyright = copyright;
  if (description) IFD0.ImageDescription = description;
  IFD2.ColorSpace = facts.colourSpace === 'srgb' ? '1' : '65535';
  IFD2.PixelXDimension = String(facts.width);
  IFD2.PixelYDimension = String(facts.height);
  return { IFD0, IFD2, IFD3 };
}

/** EXIF could not say it (below sea level): the altitude goes to XMP. */
const altitudeOnlyInXmp = (d: OutputDescription, exif: ExifIfds) => d.position !== null && d.position.altitude !== null && exif.IFD3.GPSAltitude === undefined;

function sharedParts(d: OutputDescription, facts: OutputFacts, where: 'file' | 'sidecar'): XmpPart[] {
  return [softwareXmp(), provenanceXmp(d.provenance, where), technicalXmp(facts), rightsXmp(d), aboutXmp(d), placeXmp(d), datesXmp(d)];
}

/** What goes into the processed file: EXIF (not for TIFF: see exif-output.ts), one XMP packet, the resolution. */
export function embeddedMetadata(d: OutputDescription, facts: OutputFacts): EmbeddedMetadata {
  if (facts.format === 'tiff') {
    return { xmp: joinXmpParts([...sharedParts(d, facts, 'file'), cameraXmp(d), gpsXmp(d)]), density: d.density };
  }
  const exif = exifFor(d, facts);
  const parts = sharedParts(d, facts, 'file');
  if (altitudeOnlyInXmp(d, exif)) parts.push(gpsXmp(d, true));
  return { exif, xmp: joinXmpParts(parts), density: d.density };
}

/**
 * The `.xmp` next to a processed file: everything the file says, in XMP, and Camera Raw's "no crop"
 * (its pixels are already cropped and turned, so Lightroom must not crop them again).
 */
export function processedSidecarXmp(d: OutputDescription, facts: OutputFacts): string {
  const noCrop: XmpPart = { prefixes: ['crs'], attrs: [['crs:HasCrop', 'False']], children: [] };
  return joinXmpParts([noCrop, ...sharedParts(d, facts, 'sidecar'), cameraXmp(d), gpsXmp(d)]);
}

/**
 * For renderRecipe's `metadata` option: describes the output once its format and size are known
 * (the recipe's output step may name the export choice) and keeps that description for the sidecar.
 */
export function renderMetadata(input: Omit<DescribeInput, 'recipeChoice'>) {
  let last: { description: OutputDescription; facts: OutputFacts } | null = null;
  return {
    metadata(facts: OutputFacts): EmbeddedMetadata {
      const description = describeOutput({ ...input, recipeChoice: facts.metadata });
      last = { description, facts };
      return embeddedMetadata(description, facts);
    },
    /** The sidecar of the file just rendered (call after renderRecipe). */
    sidecar(): string {
      if (!last) throw new Error('renderMetadata: the sidecar is asked for before the render described its output');
      return processedSidecarXmp(last.description, last.facts);
    },
  };
}
