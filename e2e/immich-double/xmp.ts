/**
 * Reads the few XMP properties Immich's metadata extraction takes from a sidecar.
 *
 * Immich (exiftool underneath) maps: dc:description -> exifInfo.description, xmp:Rating -> rating,
 * and builds tags from digiKam:TagsList, else lr:hierarchicalSubject ("a|b" -> "a/b"), else Keywords.
 * TRAP replicated on purpose: plain dc:subject keywords are NOT turned into tags by Immich (exiftool
 * calls them "Subject", which Immich does not read). They are parsed here only so tests can see them.
 *
 * A regex reader, not an XML parser: enough for sidecars written by Lightroom, digiKam, darktable
 * and our own writer (standard prefixes, attribute or element form).
 */

export type SidecarValues = {
  description: string | undefined;
  rating: number | undefined;
  /** Tags as Immich would create them (full paths, "/" separated). */
  tags: string[];
  /** dc:subject entries (not applied as tags, see above). */
  subjects: string[];
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

function firstValue(xml: string, prop: string): string | undefined {
  return attributeValue(xml, prop) ?? elementValues(xml, prop)?.[0];
}

function listValue(xml: string, prop: string): string[] | undefined {
  const list = elementValues(xml, prop);
  if (list) return list;
  const attr = attributeValue(xml, prop);
  return attr === undefined ? undefined : attr.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseSidecar(xml: string): SidecarValues {
  const description = firstValue(xml, 'dc:description');
  const ratingText = firstValue(xml, 'xmp:Rating');
  const ratingNumber = ratingText === undefined ? NaN : Number(ratingText);
  // Immich clamps to its accepted range by discarding anything outside -1..5.
  const rating = Number.isInteger(ratingNumber) && ratingNumber >= -1 && ratingNumber <= 5 ? ratingNumber : undefined;

  const tagsList = listValue(xml, 'digiKam:TagsList');
  const hierarchical = listValue(xml, 'lr:hierarchicalSubject');
  const keywords = listValue(xml, 'pdf:Keywords');
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

  return { description, rating, tags: tags.filter(Boolean), subjects: listValue(xml, 'dc:subject') ?? [] };
}
