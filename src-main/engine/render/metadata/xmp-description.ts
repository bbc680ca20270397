import type { OutputFacts } from '../pipeline/index.ts';
import { xmpNumber, xmpRating } from '../pipeline/xmp-packet.ts';
import type { ExifValue } from '../../media/export-source.ts';
import type { OutputDescription } from './output-description.ts';
import { emptyPart, xmpLangAlt, xmpList, xmpStruct, type XmpPart } from './xmp-parts.ts';

/**
 * The XMP of a processed file, part by part: rights (Iptc4xmpCore, xmpRights, dc), what the photo
 * is about (dc, photoshop, lr, xmp), place names, capture dates, and (for TIFF, whose EXIF libvips
 * does not write, and for the sidecar) the camera and GPS facts in the exif/tiff/aux namespaces.
 * IPTC IIM is not written (libvips cannot): its fields travel as their IPTC Core XMP equivalents,
 * which Lightroom, Photoshop, exiftool (MWG) and Immich read.
 */

export function rightsXmp(d: OutputDescription): XmpPart {
  const part: XmpPart = { prefixes: ['dc', 'photoshop', 'xmpRights', 'Iptc4xmpCore'], attrs: [], children: [] };
  const r = d.rights;
  if (r.authorsPosition) part.attrs.push(['photoshop:AuthorsPosition', r.authorsPosition]);
  if (r.webStatement) part.attrs.push(['xmpRights:WebStatement', r.webStatement]);
  if (r.marked !== null) part.attrs.push(['xmpRights:Marked', r.marked ? 'True' : 'False']);
  if (r.creator.length) part.children.push(xmpList('dc:creator', 'Seq', r.creator));
  if (r.copyright) part.children.push(xmpLangAlt('dc:rights', r.copyright));
  if (r.usageTerms) part.children.push(xmpLangAlt('xmpRights:UsageTerms', r.usageTerms));
  if (r.contact) part.children.push(xmpStruct('Iptc4xmpCore:CreatorContactInfo', Object.entries(r.contact).map(([k, v]) => [`Iptc4xmpCore:${k}`, v])));
  return part;
}

export function aboutXmp(d: OutputDescription): XmpPart {
  const a = d.about;
  if (!a) return emptyPart();
  const part: XmpPart = { prefixes: ['dc', 'xmp', 'photoshop', 'lr', 'lightbox'], attrs: [], children: [] };
  if (a.rating !== null) part.attrs.push(['xmp:Rating', xmpRating(a.rating)]);
  if (a.label) part.attrs.push(['xmp:Label', a.label]);
  if (a.flag) part.attrs.push(['lightbox:Flag', a.flag]);
  if (a.headline) part.attrs.push(['photoshop:Headline', a.headline]);
  if (a.instructions) part.attrs.push(['photoshop:Instructions', a.instructions]);
  if (a.credit) part.attrs.push(['photoshop:Credit', a.credit]);
  if (a.source) part.attrs.push(['photoshop:Source', a.source]);
  if (a.title) part.children.push(xmpLangAlt('dc:title', a.title));
  if (a.description) part.children.push(xmpLangAlt('dc:description', a.description));
  if (a.keywords.length) part.children.push(xmpList('dc:subject', 'Bag', a.keywords));
  if (a.hierarchical.length) part.children.push(xmpList('lr:hierarchicalSubject', 'Bag', a.hierarchical));
  return part;
}

export function placeXmp(d: OutputDescription): XmpPart {
  const p = d.place;
  if (!p) return emptyPart();
  const attrs: Array<[string, string]> = [];
  if (p.sublocation) attrs.push(['Iptc4xmpCore:Location', p.sublocation]);
  if (p.city) attrs.push(['photoshop:City', p.city]);
  if (p.state) attrs.push(['photoshop:State', p.state]);
  if (p.country) attrs.push(['photoshop:Country', p.country]);
  if (p.countryCode) attrs.push(['Iptc4xmpCore:CountryCode', p.countryCode]);
  return { prefixes: ['photoshop', 'Iptc4xmpCore'], attrs, children: [] };
}

/** `2018-07-25T16:34:23.935+02:00`; no offset when the zone is unknown; no `.000`. */
export function xmpDate(d: OutputDescription): string | null {
  const c = d.capture;
  if (!c) return null;
  const local = c.instant.localDateTime.replace(/\.000$/, '');
  return c.instant.instant ? `${local}${c.instant.instant.slice(23)}` : local;
}

export function datesXmp(d: OutputDescription): XmpPart {
  const date = xmpDate(d);
  if (!date) return emptyPart();
  return { prefixes: ['photoshop', 'xmp'], attrs: [['photoshop:DateCreated', date], ['xmp:CreateDate', date]], children: [] };
}

const rational = (v: ExifValue | undefined) => (v?.kind === 'rationals' ? `${v.values[0]![0]}/${v.values[0]![1]}` : null);
const int = (v: ExifValue | undefined) => (v?.kind === 'ints' ? String(v.values[0]) : null);
const str = (v: ExifValue | undefined) => (v?.kind === 'text' ? v.text : null);

/** XMP's GPS coordinate: degrees, decimal minutes, hemisphere (`50,17.976166N`). */
export function xmpCoordinateText(degrees: number, positive: 'N' | 'E', negative: 'S' | 'W'): string {
  const abs = Math.abs(degrees);
  const d = Math.floor(abs);
  return `${d},${xmpNumber((abs - d) * 60)}${degrees < 0 ? negative : positive}`;
}

/** Position and altitude (exif namespace): for TIFF and the sidecar, and for altitudes EXIF cannot hold here. */
export function gpsXmp(d: OutputDescription, altitudeOnly = false): XmpPart {
  const pos = d.position;
  if (!pos) return emptyPart();
  const attrs: Array<[string, string]> = [];
  if (!altitudeOnly) {
    attrs.push(['exif:GPSLatitude', xmpCoordinateText(pos.latitude, 'N', 'S')], ['exif:GPSLongitude', xmpCoordinateText(pos.longitude, 'E', 'W')]);
  }
  if (pos.altitude !== null) {
    attrs.push(['exif:GPSAltitudeRef', pos.altitude < 0 ? '1' : '0'], ['exif:GPSAltitude', `${Math.round(Math.abs(pos.altitude) * 1000)}/1000`]);
  }
  return { prefixes: ['exif'], attrs, children: [] };
}

/** Camera facts in XMP, for files without EXIF (TIFF from libvips) and for the sidecar. */
export function cameraXmp(d: OutputDescription): XmpPart {
  const c = d.camera;
  if (!c) return emptyPart();
  const attrs: Array<[string, string]> = [];
  const add = (name: string, value: string | null) => value !== null && value !== '' && attrs.push([name, value]);
  add('tiff:Make', str(c.ifd0.get(0x010f)));
  add('tiff:Model', str(c.ifd0.get(0x0110)));
  add('exif:ExposureTime', rational(c.exif.get(0x829a)));
  add('exif:FNumber', rational(c.exif.get(0x829d)));
  add('exif:ExposureProgram', int(c.exif.get(0x8822)));
  add('exif:ExposureBiasValue', rational(c.exif.get(0x9204)));
  add('exif:FocalLength', rational(c.exif.get(0x920a)));
  add('exif:FocalLengthIn35mmFilm', int(c.exif.get(0xa405)));
  add('exifEX:LensModel', str(c.exif.get(0xa434)) ?? d.lens);
  add('exifEX:BodySerialNumber', str(c.exif.get(0xa431)));
  const date = xmpDate(d);
  if (date) attrs.push(['exif:DateTimeOriginal', date]);
  const iso = int(c.exif.get(0x8827));
  return { prefixes: ['tiff', 'exif', 'exifEX'], attrs, children: iso ? [xmpList('exif:ISOSpeedRatings', 'Seq', [iso])] : [] };
}

/** What the render made: size, orientation, colour space. */
export function technicalXmp(facts: Pick<OutputFacts, 'width' | 'height' | 'colourSpace'>): XmpPart {
  return {
    prefixes: ['tiff', 'exif'],
    attrs: [
      ['tiff:Orientation', '1'],
      ['exif:PixelXDimension', String(facts.width)],
      ['exif:PixelYDimension', String(facts.height)],
      ['exif:ColorSpace', facts.colourSpace === 'srgb' ? '1' : '65535'],
    ],
    children: [],
  };
}
