import { escapeXml } from '../../base/xml-escape.ts';

/*
 * The XMP text both sidecars share (the one kept next to processed files and the one sent to
 * Immich with an upload): number format, the packet around one rdf:Description.
 */

/** Fixed 6 decimals (Lightroom writes 6), trailing zeros trimmed; never exponent notation. */
export function xmpNumber(v: number): string {
  const s = (Math.abs(v) < 5e-7 ? 0 : v).toFixed(6).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

export function xmpRating(rating: number): string {
  if (!Number.isInteger(rating) || rating < -1 || rating > 5) throw new RangeError(`rating must be -1..5, got ${rating}`);
  return String(rating);
}

export function xmpDescription(text: string): string {
  return `   <dc:description>\n    <rdf:Alt>\n     <rdf:li xml:lang="x-default">${escapeXml(text)}</rdf:li>\n    </rdf:Alt>\n   </dc:description>`;
}

export function xmpBag(tag: string, items: string[]): string {
  const lis = items.map((i) => `     <rdf:li>${escapeXml(i)}</rdf:li>`).join('\n');
  return `   <${tag}>\n    <rdf:Bag>\n${lis}\n    </rdf:Bag>\n   </${tag}>`;
}

const NAMESPACES: Record<string, string> = {
  crs: 'http://ns.adobe.com/camera-raw-settings/1.0/',
  tiff: 'http://ns.adobe.com/tiff/1.0/',
  exif: 'http://ns.adobe.com/exif/1.0/',
  exifEX: 'http://cipa.jp/exif/1.0/',
  aux: 'http://ns.adobe.com/exif/1.0/aux/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  xmpMM: 'http://ns.adobe.com/xap/1.0/mm/',
  stRef: 'http://ns.adobe.com/xap/1.0/sType/ResourceRef#',
  xmpRights: 'http://ns.adobe.com/xap/1.0/rights/',
  dc: 'http://purl.org/dc/elements/1.1/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  Iptc4xmpCore: 'http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/',
  lr: 'http://ns.adobe.com/lightroom/1.0/',
  // Our own facts (which original, which recipe): a URN, so no web address is implied.
  lightbox: 'urn:lightbox:xmp:1.0:',
};

/** One rdf:Description with simple properties as attributes and structured ones as children. */
export function xmpPacket(prefixes: readonly string[], attrs: Array<[string, string]>, children: string[]): string {
  const ns = prefixes.map((p) => {
    const uri = NAMESPACES[p];
    if (!uri) throw new RangeError(`unknown XMP namespace prefix "${p}"`);
    return `\n    xmlns:${p}="${uri}"`;
  }).join('');
  const attrText = attrs.map(([k, v]) => `\n    ${k}="${escapeXml(v)}"`).join('');
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Lightbox">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""' + ns + attrText + (children.length ? '>' : '/>'),
    ...(children.length ? [...children, '  </rdf:Description>'] : []),
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
    '',
  ].join('\n');
}
