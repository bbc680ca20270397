import { escapeXml, type CameraRawCrop } from '../render/xmp-sidecar.ts';

export type UploadSidecarInput = {
  description?: string;
  /** -1 (rejected) or 1..5; 0 means unrated. */
  rating?: number;
  /**
   * Keywords. "a|b" (Lightroom) or "a/b" are hierarchical; Immich builds its tags from
   * lr:hierarchicalSubject only, so both that and dc:subject (for everything else) are written.
   */
  keywords?: string[];
  /** Camera Raw crop for the ORIGINAL, from render/xmp-sidecar.ts `cameraRawCrop()`. */
  crop?: CameraRawCrop;
};

/** Same formatting as render/xmp-sidecar.ts: 6 decimals, no exponent. */
function num(v: number): string {
  const s = (Math.abs(v) < 5e-7 ? 0 : v).toFixed(6).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

const hierarchical = (keyword: string) => keyword.split(/[|/]/).map((p) => p.trim()).filter(Boolean).join('|');
const leaf = (keyword: string) => keyword.split(/[|/]/).map((p) => p.trim()).filter(Boolean).at(-1) ?? '';

function bag(tag: string, items: string[]): string {
  const lis = items.map((i) => `     <rdf:li>${escapeXml(i)}</rdf:li>`).join('\n');
  return `   <${tag}>\n    <rdf:Bag>\n${lis}\n    </rdf:Bag>\n   </${tag}>`;
}

/**
 * The XMP sent as `sidecarData` with an upload. Immich reads description, rating and tags from it
 * during its own metadata extraction, which avoids the known race where values PUT right after the
 * upload are overwritten when extraction finishes. (render/xmp-sidecar.ts writes the richer sidecar
 * kept next to exported files; it takes a recipe and writes no lr:hierarchicalSubject, so only its
 * escaping and crop geometry are reused here.)
 */
export function buildUploadSidecar(input: UploadSidecarInput): string {
  const attrs: Array<[string, string]> = [];
  if (input.crop?.hasCrop) {
    const c = input.crop;
    attrs.push(['crs:HasCrop', 'True'], ['crs:CropTop', num(c.top)], ['crs:CropLeft', num(c.left)], ['crs:CropBottom', num(c.bottom)], ['crs:CropRight', num(c.right)], ['crs:CropAngle', num(c.angle)]);
  }
  if (input.rating !== undefined) {
    if (!Number.isInteger(input.rating) || input.rating < -1 || input.rating > 5) throw new RangeError(`rating must be -1..5, got ${input.rating}`);
    attrs.push(['xmp:Rating', String(input.rating)]);
  }
  const children: string[] = [];
  if (input.description !== undefined && input.description !== '') {
    children.push(`   <dc:description>\n    <rdf:Alt>\n     <rdf:li xml:lang="x-default">${escapeXml(input.description)}</rdf:li>\n    </rdf:Alt>\n   </dc:description>`);
  }
  const keywords = [...new Set((input.keywords ?? []).map((k) => k.trim()).filter(Boolean))];
  if (keywords.length > 0) {
    // dc:subject holds flat keywords (every level of a hierarchy, as Lightroom exports them).
    const flat = [...new Set(keywords.flatMap((k) => k.split(/[|/]/).map((p) => p.trim()).filter(Boolean)))];
    children.push(bag('dc:subject', flat.length ? flat : keywords.map(leaf)));
    children.push(bag('lr:hierarchicalSubject', [...new Set(keywords.map(hierarchical))]));
  }
  const attrText = attrs.map(([k, v]) => `\n    ${k}="${escapeXml(v)}"`).join('');
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Lightbox">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""' +
      '\n    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"' +
      '\n    xmlns:xmp="http://ns.adobe.com/xap/1.0/"' +
      '\n    xmlns:dc="http://purl.org/dc/elements/1.1/"' +
      '\n    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"' +
      attrText +
      (children.length ? '>' : '/>'),
    ...(children.length ? [...children, '  </rdf:Description>'] : []),
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
    '',
  ].join('\n');
}
