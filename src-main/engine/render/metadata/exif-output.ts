import type { ExifDirectory, ExifValue, SourceExif } from '../../media/export-source.ts';

/**
 * The original's EXIF as sharp's `withExif` takes it (libvips writes it with libexif: tags by
 * libexif's names, values as strings it parses per tag type).
 *
 * Carried: camera and lens, exposure, capture dates with their offsets and sub-seconds, GPS. Left
 * out on purpose: the maker note (its offsets and its embedded previews describe the original
 * file, and libexif cannot write it), the IFD1 thumbnail (it would show the uncropped original),
 * ImageUniqueID (it names the original image), SubjectArea (pixel positions in the original frame),
 * UNDEFINED-typed tags. Written fresh: Orientation 1, ColorSpace, pixel dimensions, Software.
 *
 * libexif/libvips limits, checked with exiftool: BYTE tags cannot be set (GPSAltitudeRef stays 0,
 * so an altitude below sea level is left to XMP), multi-value SHORTs keep their first value (ISO),
 * and ASCII is transliterated (`é` -> `e`), so text that is not plain ASCII goes to XMP only.
 */

export type ExifIfds = Record<'IFD0' | 'IFD2' | 'IFD3', Record<string, string>>;

type Carried = Record<number, string>;

const IFD0_CARRIED: Carried = { 0x010f: 'Make', 0x0110: 'Model', 0x0132: 'DateTime' };

const CAMERA_CARRIED: Carried = {
  0x829a: 'ExposureTime', 0x829d: 'FNumber', 0x8822: 'ExposureProgram', 0x8827: 'ISOSpeedRatings', 0x8830: 'SensitivityType',
  0x8832: 'RecommendedExposureIndex', 0x9201: 'ShutterSpeedValue', 0x9202: 'ApertureValue', 0x9203: 'BrightnessValue',
  0x9204: 'ExposureBiasValue', 0x9205: 'MaxApertureValue', 0x9206: 'SubjectDistance', 0x9207: 'MeteringMode', 0x9208: 'LightSource',
  0x9209: 'Flash', 0x920a: 'FocalLength', 0xa20e: 'FocalPlaneXResolution', 0xa20f: 'FocalPlaneYResolution',
  0xa210: 'FocalPlaneResolutionUnit', 0xa215: 'ExposureIndex', 0xa217: 'SensingMethod', 0xa401: 'CustomRendered', 0xa402: 'ExposureMode',
  0xa403: 'WhiteBalance', 0xa404: 'DigitalZoomRatio', 0xa405: 'FocalLengthIn35mmFilm', 0xa406: 'SceneCaptureType', 0xa407: 'GainControl',
  0xa408: 'Contrast', 0xa409: 'Saturation', 0xa40a: 'Sharpness', 0xa40c: 'SubjectDistanceRange', 0xa430: 'CameraOwnerName',
  0xa431: 'BodySerialNumber', 0xa432: 'LensSpecification', 0xa433: 'LensMake', 0xa434: 'LensModel', 0xa435: 'LensSerialNumber',
};

/** Capture dates: written together, with what capture-instant.ts resolved (see exifFor). */
export const DATE_TAGS = {
  DateTimeOriginal: 0x9003, DateTimeDigitized: 0x9004, OffsetTime: 0x9010, OffsetTimeOriginal: 0x9011, OffsetTimeDigitized: 0x9012,
  SubsecTime: 0x9290, SubSecTimeOriginal: 0x9291, SubSecTimeDigitized: 0x9292,
} as const;

const GPS_CARRIED: Carried = {
  0x01: 'GPSLatitudeRef', 0x02: 'GPSLatitude', 0x03: 'GPSLongitudeRef', 0x04: 'GPSLongitude', 0x06: 'GPSAltitude', 0x07: 'GPSTimeStamp',
  0x08: 'GPSSatellites', 0x09: 'GPSStatus', 0x0a: 'GPSMeasureMode', 0x0b: 'GPSDOP', 0x0c: 'GPSSpeedRef', 0x0d: 'GPSSpeed',
  0x0e: 'GPSTrackRef', 0x0f: 'GPSTrack', 0x10: 'GPSImgDirectionRef', 0x11: 'GPSImgDirection', 0x12: 'GPSMapDatum',
  0x13: 'GPSDestLatitudeRef', 0x14: 'GPSDestLatitude', 0x15: 'GPSDestLongitudeRef', 0x16: 'GPSDestLongitude', 0x17: 'GPSDestBearingRef',
  0x18: 'GPSDestBearing', 0x19: 'GPSDestDistanceRef', 0x1a: 'GPSDestDistance', 0x1d: 'GPSDateStamp', 0x1e: 'GPSDifferential',
  0x1f: 'GPSHPositioningError',
};
export const GPS_ALTITUDE_REF = 0x05;

/** Plain printable ASCII: what EXIF text can hold without libvips rewriting it. */
export function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** A value in the string form libvips parses for its tag, or null when it cannot be written as read. */
export function exifString(v: ExifValue): string | null {
  if (v.kind === 'text') return isPlainAscii(v.text) ? v.text : null;
  if (v.kind === 'ints') return String(v.values[0]);
  return v.values.map(([n, d]) => `${n}/${d}`).join(' ');
}

function carry(into: Record<string, string>, from: ExifDirectory, names: Carried): void {
  for (const [tag, name] of Object.entries(names)) {
    const v = from.get(Number(tag));
    const s = v ? exifString(v) : null;
    if (s !== null && s !== '') into[name] = s;
  }
}

/** The camera's IFD0 and EXIF tags (no dates: see DATE_TAGS). */
export function cameraExif(source: SourceExif): Pick<ExifIfds, 'IFD0' | 'IFD2'> {
  const IFD0: Record<string, string> = {};
  const IFD2: Record<string, string> = {};
  carry(IFD0, source.ifd0, IFD0_CARRIED);
  carry(IFD2, source.exif, CAMERA_CARRIED);
  return { IFD0, IFD2 };
}

/** The GPS directory, or nothing when an altitude below sea level could not be written truthfully. */
export function gpsExif(gps: ExifDirectory): Record<string, string> {
  const IFD3: Record<string, string> = {};
  carry(IFD3, gps, GPS_CARRIED);
  const ref = gps.get(GPS_ALTITUDE_REF);
  if (ref?.kind === 'ints' && ref.values[0] === 1) delete IFD3.GPSAltitude;
  // Named, libvips creates the tag at its default, 0 (above sea level): true for what is left.
  else if (IFD3.GPSAltitude !== undefined) IFD3.GPSAltitudeRef = '0';
  return IFD3;
}

/** Degrees -> the three rationals EXIF GPS coordinates are, to 1/10000 of a second (~3 mm). */
export function dmsRationals(degrees: number): string {
  const abs = Math.abs(degrees);
  const d = Math.floor(abs);
  const m = Math.floor((abs - d) * 60);
  const s = Math.round(((abs - d) * 60 - m) * 60 * 10000);
  return `${d}/1 ${m}/1 ${s}/10000`;
}
