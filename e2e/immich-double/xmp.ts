/**
 * Reads the few XMP properties Immich's metadata extraction takes from a sidecar.
 *
 * Immich (exiftool underneath, with useMWG) maps: dc:description -> exifInfo.description,
 * xmp:Rating -> rating, and builds tags from digiKam:TagsList, else lr:hierarchicalSubject
 * ("a|b" -> "a/b"), else Keywords, which MWG takes from dc:subject (a "/" inside one makes a
 * hierarchy). So dc:subject is ignored whenever lr:hierarchicalSubject is there (observed, E1/E2).
 *
 * A regex reader, not an XML parser: enough for sidecars written by Lightroom, digiKam, darktable
 * and our own writer (standard prefixes, attribute or element form).
 */

export type SidecarValues = {
  /** dc:description (exiftool's Description). */
  description: string | undefined;
  /** tiff:ImageDescription, which replaces the file's EXIF ImageDescription when merged. */
  imageDescription: string | undefined;
  /** xmp:Rating as written (Immich keeps only 1-5, see extraction.ts). */
  rating: number | undefined;
  /** Tags as Immich would create them from this XMP alone (full paths, "/" separated). */
  tags: string[];
  /** dc:subject entries as written. */
  subjects: string[];
  /** Dates under the names exiftool gives them with useMWG (ISO 8601 as written, maybe with a zone). */
  dates: { DateTimeOriginal?: string; DateTimeCreated?: string; CreateDate?: string };
  /** exif:GPSLatitude/GPSLongitude, in degrees. */
  gps: { latitude: number; longitude: number } | null;
};

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(parseInt(dec, 10)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `<prop>...<rdf:li>v</rdf:li>...</prop>` list items, or the element's plain text. */
function elementValues(xml: string, prop: string): string[] | undefined {
  const re = new RegExp(`<${escapeRe(prop)}(?:\\s[^>]*)?>([\\s\\S]*?)</${escapeRe(prop)}>`);
  const body = re.exec(xml)?.[1];
  if (body === undefined) return undefined;
  const items = [...body.matchAll(/<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/g)].map((m) => decodeEntities(m[1] ?? '').trim());
  if (items.length > 0) return items;
  const text = decodeEntities(body).trim();
  return text ? [text] : [];
}

function attributeValue(xml: string, prop: string): string | undefined {
  const re = new RegExp(`\\s${escapeRe(prop)}\\s*=\\s*("([^"]*)"|'([^']*)')`);
  const m = re.exec(xml);
  if (!m) return undefined;
  return decodeEntities(m[2] ?? m[3] ?? '');
}

// Writers pick their own prefixes (older Adobe files say xap: for xmp:), so properties are found by
// namespace URI: the standard prefix, plus every prefix the packet declares for that URI.
const NAMESPACES: Record<string, string> = {
  xmp: 'http://ns.adobe.com/xap/1.0/',
  dc: 'http://purl.org/dc/elements/1.1/',
  exif: 'http://ns.adobe.com/exif/1.0/',
  tiff: 'http://ns.adobe.com/tiff/1.0/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  lr: 'http://ns.adobe.com/lightroom/1.0/',
  digiKam: 'http://www.digikam.org/ns/1.0/',
  pdf: 'http://ns.adobe.com/pdf/1.3/',
};

function names(xml: string, prop: string): string[] {
  const [prefix = '', local = ''] = prop.split(':');
  const uri = NAMESPACES[prefix];
  if (!uri) return [prop];
  const declared = [...xml.matchAll(new RegExp(`xmlns:([\\w.-]+)\\s*=\\s*["']${escapeRe(uri)}["']`, 'g'))].map((m) => `${m[1]}:${local}`);
  return [...new Set([prop, ...declared])];
}

function firstValue(xml: string, prop: string): string | undefined {
  for (const name of names(xml, prop)) {
    const value = attributeValue(xml, name) ?? elementValues(xml, name)?.[0];
    if (value !== undefined) return value;
  }
  return undefined;
}

function listValue(xml: string, prop: string): string[] | undefined {
  for (const name of names(xml, prop)) {
    const list = elementValues(xml, name);
    if (list) return list;
    const attr = attributeValue(xml, name);
    if (attr !== undefined) return attr.split(',').map((s) => s.trim()).filter(Boolean);
  }
  return undefined;
}

/** XMP GPS coordinates: "60,10.5N", "60,10,30N" or plain decimal degrees. */
function xmpCoordinate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])?\s*$/i.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
  return /[SW]/i.test(m[4] ?? '') ? -value : value;
}

export function parseSidecar(xml: string): SidecarValues {
  const description = firstValue(xml, 'dc:description');
  const ratingText = firstValue(xml, 'xmp:Rating');
  const ratingNumber = ratingText === undefined ? NaN : Number(ratingText);
  const rating = Number.isFinite(ratingNumber) ? ratingNumber : undefined;
  const latitude = xmpCoordinate(firstValue(xml, 'exif:GPSLatitude'));
  const longitude = xmpCoordinate(firstValue(xml, 'exif:GPSLongitude'));
  const dates: SidecarValues['dates'] = {};
  // exiftool's MWG composites: DateTimeOriginal <- exif:DateTimeOriginal, else photoshop:DateCreated;
  // CreateDate <- xmp:CreateDate; photoshop:DateCreated is also DateTimeCreated.
  const exifOriginal = firstValue(xml, 'exif:DateTimeOriginal');
  const created = firstValue(xml, 'photoshop:DateCreated');
  const createDate = firstValue(xml, 'xmp:CreateDate');
  if (exifOriginal ?? created) dates.DateTimeOriginal = (exifOriginal ?? created)!;
  if (created) dates.DateTimeCreated = created;
  if (createDate) dates.CreateDate = createDate;

  const tagsList = listValue(xml, 'digiKam:TagsList');
  const hierarchical = listValue(xml, 'lr:hierarchicalSubject');
  const keywords = listValue(xml, 'dc:subject') ?? listValue(xml, 'pdf:Keywords');
  let tags: string[] = [];
  if (tagsList) tags = tagsList;
  else if (hierarchical)
    tags = hierarchical.map((tag) =>
      tag
        .split('|')
        .map((part) => part.replaceAll('/', '|'))
        .join('/'),
    );
  else if (keywords) tags = keywords;

  return {
    description,
    imageDescription: firstValue(xml, 'tiff:ImageDescription'),
    rating,
    tags: tags.filter(Boolean),
    subjects: listValue(xml, 'dc:subject') ?? [],
    dates,
    gps: latitude !== undefined && longitude !== undefined ? { latitude, longitude } : null,
  };
}
