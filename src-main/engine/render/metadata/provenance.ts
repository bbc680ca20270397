import { createHash } from 'node:crypto';
import type { Recipe } from '../../../contract/recipe.ts';
import type { XmpPart } from './xmp-parts.ts';
import { xmpStruct } from './xmp-parts.ts';

/**
 * Where a processed file came from. Written into every render, so two originals that differ only
 * in bytes the pixels never see (a trailer after the JPEG end marker, a changed maker note) still
 * give two different files: Immich deduplicates by checksum, and byte-identical renders of two
 * photos would make it answer "duplicate" with the other photo's asset and merge their stacks.
 * Only facts of the original and the recipe go in (no clock, no host), so replay stays byte for byte.
 *
 * The revision NUMBER stays out of the file (it is in the sidecar): undo then redo gives the same
 * recipe under a newer revision, and that must give the same bytes; the recipe's hash already says
 * which recipe it is.
 */
export type Provenance = {
  /** SHA-256 of the original's bytes, hex. */
  originalSha256: string;
  /** The original's file name as it was dropped, when known (`IMG_0001.CR3`). */
  originalFileName?: string | undefined;
  /** recipeSha256() of the recipe that was rendered. */
  recipeSha256: string;
  /** The recipe revision in the library (absent for `lightbox render` on a loose file); written to the sidecar only. */
  revision?: number | undefined;
  /** Export target key (`square`, `story-9x16-extend`…) when this is not the main output. */
  target?: string | undefined;
};

/** The recipe's fingerprint: SHA-256 of its JSON (key order as parseRecipe builds it, so stable). */
export function recipeSha256(recipe: Recipe): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex');
}

/** `urn:sha256:<hex>`: a document id that names the bytes themselves. */
export const originalDocumentId = (sha256: string) => `urn:sha256:${sha256}`;

/**
 * xmpMM:DerivedFrom and xmpMM:OriginalDocumentID (what Lightroom and Photoshop read as "made from"),
 * plus the same facts and the recipe under our own namespace for tools that want them plainly.
 */
export function provenanceXmp(p: Provenance, where: 'file' | 'sidecar'): XmpPart {
  const id = originalDocumentId(p.originalSha256);
  const attrs: Array<[string, string]> = [
    ['xmpMM:OriginalDocumentID', id],
    ['lightbox:OriginalSHA256', p.originalSha256],
    ['lightbox:RecipeSHA256', p.recipeSha256],
  ];
  if (where === 'sidecar' && p.revision !== undefined) attrs.push(['lightbox:RecipeRevision', String(p.revision)]);
  if (p.target) attrs.push(['lightbox:ExportTarget', p.target]);
  const ref: Array<[string, string]> = [['stRef:documentID', id]];
  if (p.originalFileName) ref.push(['stRef:filePath', p.originalFileName]);
  return { prefixes: ['xmpMM', 'stRef', 'lightbox'], attrs, children: [xmpStruct('xmpMM:DerivedFrom', ref)] };
}
