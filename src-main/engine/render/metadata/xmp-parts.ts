import { escapeXml } from '../../base/xml-escape.ts';
import { xmpPacket } from '../pipeline/xmp-packet.ts';

/**
 * A piece of one XMP packet: the namespaces it uses, simple properties (written as attributes) and
 * structured ones (arrays, structs, lang-alts, as child elements). The packet a processed file
 * carries is several of these joined, each built by the code that owns those facts.
 */
export type XmpPart = { prefixes: string[]; attrs: Array<[string, string]>; children: string[] };

export const emptyPart = (): XmpPart => ({ prefixes: [], attrs: [], children: [] });

/** One packet from parts, in order; a namespace used by several parts is declared once. */
export function joinXmpParts(parts: XmpPart[]): string {
  const prefixes = [...new Set(parts.flatMap((p) => p.prefixes))];
  return xmpPacket(prefixes, parts.flatMap((p) => p.attrs), parts.flatMap((p) => p.children));
}

/** `<prefix:name rdf:parseType="Resource">` with simple fields, for XMP structs (stRef, contact info). */
export function xmpStruct(tag: string, fields: Array<[string, string]>): string {
  const inner = fields.map(([k, v]) => `    <${k}>${escapeXml(v)}</${k}>`).join('\n');
  return `   <${tag} rdf:parseType="Resource">\n${inner}\n   </${tag}>`;
}

/** An ordered array (dc:creator) or unordered bag (dc:subject). */
export function xmpList(tag: string, kind: 'Seq' | 'Bag', items: string[]): string {
  const lis = items.map((i) => `     <rdf:li>${escapeXml(i)}</rdf:li>`).join('\n');
  return `   <${tag}>\n    <rdf:${kind}>\n${lis}\n    </rdf:${kind}>\n   </${tag}>`;
}

/** A language alternative with only the default language (dc:title, dc:rights…). */
export function xmpLangAlt(tag: string, text: string): string {
  return `   <${tag}>\n    <rdf:Alt>\n     <rdf:li xml:lang="x-default">${escapeXml(text)}</rdf:li>\n    </rdf:Alt>\n   </${tag}>`;
}
