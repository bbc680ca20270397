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
  xmp: 'http://ns.adobe.com/xap/1.0/',
  dc: 'http://purl.org/dc/elements/1.1/',
  lr: 'http://ns.adobe.com/lightroom/1.0/',
};

/** One rdf:Description with simple properties as attributes and structured ones as children. */
export function xmpPacket(prefixes: Array<keyof typeof NAMESPACES>, attrs: Array<[string, string]>, children: string[]): string {
  const ns = prefixes.map((p) => `\n    xmlns:${p}="${NAMESPACES[p]}"`).join('');
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
