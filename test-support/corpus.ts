import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared third-party corpus sits beside the project: `../shared/corpus` from the repo root. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const corpusDir = process.env.LIGHTBOX_CORPUS ?? path.resolve(projectRoot, '../shared/corpus');
export const hasCorpus = existsSync(path.join(corpusDir, 'MANIFEST.tsv'));
export const corpusSkipReason = `corpus not found at ${corpusDir} (set LIGHTBOX_CORPUS or put ../shared/corpus beside the repo)`;

if (!hasCorpus) console.warn(`[lightbox tests] ${corpusSkipReason}: corpus-based tests are skipped.`);

export function corpusPath(relative: string): string {
  return path.join(corpusDir, relative);
}

export type ManifestRow = {
  path: string;
  format: string;
  bytes: number;
  width: number | null;
  height: number | null;
  makeModel: string;
  orientation: number | null;
  hasGps: boolean;
  icc: string;
  hasXmp: boolean;
  embeddedPreview: string;
  vipsHeader: 'ok' | 'FAIL' | string;
  notes: string;
};

/** MANIFEST.tsv rows, typed. Dimensions are as stored (not oriented). */
export function readManifest(): ManifestRow[] {
  if (!hasCorpus) return [];
  const [header, ...lines] = readFileSync(path.join(corpusDir, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const cols = (header ?? '').split('\t');
  const at = (cells: string[], name: string) => cells[cols.indexOf(name)] ?? '';
  return lines.map((line) => {
    const c = line.split('\t');
    const [w, h] = at(c, 'width_x_height').split('x').map(Number);
    const orientation = Number(at(c, 'orientation'));
    return {
      path: at(c, 'path'),
      format: at(c, 'format'),
      bytes: Number(at(c, 'bytes')),
      width: Number.isFinite(w) && w ? w : null,
      height: Number.isFinite(h) && h ? h : null,
      makeModel: at(c, 'make_model'),
      orientation: orientation >= 1 && orientation <= 8 ? orientation : null,
      hasGps: at(c, 'has_gps') === 'yes',
      icc: at(c, 'icc_profile'),
      hasXmp: at(c, 'has_xmp') === 'yes',
      embeddedPreview: at(c, 'embedded_preview'),
      vipsHeader: at(c, 'vips_header'),
      notes: at(c, 'notes'),
    };
  });
}
