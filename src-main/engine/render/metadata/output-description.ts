import type { ExportDefaults, ExportMetadata, OutputMetadata } from '../../../contract/export-metadata.ts';
import type { CaptureInstant, Photo } from '../../../contract/photo.ts';
import type { Descriptive } from '../../media/descriptive.ts';
import type { ExifDirectory, ExportSource, SourceExif } from '../../media/export-source.ts';
import { photoCaptureInstant } from '../../media/capture-instant.ts';
import type { Provenance } from './provenance.ts';

/**
 * What a processed file says about itself, decided once per render from the original's own
 * metadata, what the photographer set in Lightbox (which wins), the export choice and the library's
 * defaults. exif-output.ts and xmp-description.ts only spell it out.
 */
export type OutputDescription = {
  choice: ExportMetadata;
  provenance: Provenance;
  rights: Pick<Descriptive, 'creator' | 'authorsPosition' | 'copyright' | 'usageTerms' | 'webStatement' | 'marked' | 'contact'>;
  /** Null under `copyright`. */
  about: {
    title: string | null;
    description: string | null;
    headline: string | null;
    instructions: string | null;
    credit: string | null;
    source: string | null;
    keywords: string[];
    hierarchical: string[];
    /** -1 (rejected) .. 5, null when unrated. */
    rating: number | null;
    label: string | null;
    flag: 'pick' | 'reject' | null;
  } | null;
  /** Place names; null unless `all`. */
  place: Pick<Descriptive, 'city' | 'state' | 'country' | 'countryCode' | 'sublocation'> | null;
  /** The original's IFD0 and EXIF directories: camera, lens, exposure, dates (null under `copyright`). */
  camera: Pick<SourceExif, 'ifd0' | 'exif'> | null;
  /** The lens as Lightbox read it (EXIF, else XMP exifEX/aux): written when the EXIF has no LensModel. */
  lens: string | null;
  /** The GPS directory as written, or one made from the photo's position; null unless `all`. */
  gps: ExifDirectory | null;
  /** Position for XMP (and for the GPS directory made when the original had none). */
  position: { latitude: number; longitude: number; altitude: number | null } | null;
  /** Null under `copyright`, and when the photo has no capture date. */
  capture: {
    instant: CaptureInstant;
    /** Write OffsetTimeOriginal: the original had no offset tag and the zone will not come back from GPS. */
    addOffset: boolean;
  } | null;
  /** Pixels per inch for the header (the original's when sane, else 300). */
  density: number;
};

export type DescribeInput = {
  source: ExportSource;
  photo: Pick<Photo, 'fileName' | 'metadata' | 'rating' | 'flag' | 'captureDate' | 'captureInstant' | 'gps'>;
  /** The recipe's output step says (`folder` = it does not). */
  recipeChoice: OutputMetadata;
  /** The photo's hot folder's choice, when it has one. */
  folderChoice: ExportMetadata | null;
  /** `--metadata` on the command line: wins over everything for that run. */
  override: ExportMetadata | null;
  defaults: ExportDefaults;
  provenance: Provenance;
};

/** Command line, then the recipe's output step (a preset's), then the folder, then `all`. */
export function effectiveChoice(input: Pick<DescribeInput, 'override' | 'recipeChoice' | 'folderChoice'>): ExportMetadata {
  return input.override ?? (input.recipeChoice !== 'folder' ? input.recipeChoice : null) ?? input.folderChoice ?? 'all';
}

const RESOLUTION = { x: 0x011a, unit: 0x0128 } as const;

function densityOf(ifd0: ExifDirectory): number {
  const x = ifd0.get(RESOLUTION.x);
  const unit = ifd0.get(RESOLUTION.unit);
  const ppu = x?.kind === 'rationals' && x.values[0]![1] !== 0 ? x.values[0]![0] / x.values[0]![1] : null;
  const perInch = ppu === null ? null : unit?.kind === 'ints' && unit.values[0] === 3 ? ppu * 2.54 : ppu;
  return perInch !== null && perInch >= 50 && perInch <= 2400 ? Math.round(perInch * 100) / 100 : 300;
}

/** Rejected is -1 (Lightroom's convention); Lightbox stars win over the file's; 0 stars = the file says. */
function ratingOf(photo: DescribeInput['photo'], fileRating: number | null): number | null {
  if (photo.flag === 'reject') return -1;
  if (photo.rating && photo.rating > 0) return photo.rating;
  const r = photo.metadata?.rating ?? fileRating;
  return r !== null && r !== undefined && Number.isInteger(r) && r >= -1 && r <= 5 && r !== 0 ? r : null;
}

const leafOf = (path: string) => path.split(/[|/]/).map((p) => p.trim()).filter(Boolean).at(-1) ?? '';

/**
 * Lightroom's hierarchy for the keywords Lightbox holds: the file's own paths whose leaf is still a
 * keyword, then every other keyword (a `a/b` or `a|b` one as a path). Immich builds its tags from
 * this list alone when it is there, so no keyword may be missing from it.
 */
export function hierarchyFor(keywords: string[], filePaths: string[]): string[] {
  if (filePaths.length === 0 && !keywords.some((k) => /[|/]/.test(k))) return [];
  const wanted = new Set(keywords.map(leafOf));
  const kept = filePaths.filter((p) => wanted.has(leafOf(p)));
  const covered = new Set(kept.map(leafOf));
  const rest = keywords.filter((k) => !covered.has(leafOf(k))).map((k) => k.split(/[|/]/).map((p) => p.trim()).filter(Boolean).join('|'));
  return [...new Set([...kept, ...rest])];
}

const nonEmpty = (list: string[] | undefined) => (list && list.length > 0 ? list : null);

export function describeOutput(input: DescribeInput): OutputDescription {
  const choice = effectiveChoice(input);
  const { source, photo, defaults } = input;
  const said = source.said;
  const m = photo.metadata;
  const creator = nonEmpty(m?.creator) ?? nonEmpty(said.creator) ?? (defaults.creator ? [defaults.creator] : []);
  const rights = {
    creator,
    authorsPosition: said.authorsPosition,
    copyright: m?.copyright ?? said.copyright ?? defaults.copyright,
    usageTerms: m?.usageTerms ?? said.usageTerms,
    webStatement: said.webStatement,
    marked: said.marked,
    contact: said.contact,
  };
  const keywords = m ? m.keywords : said.keywords;
  const about = choice === 'copyright' ? null : {
    title: m?.title ?? said.title,
    description: m?.description ?? said.description,
    headline: said.headline,
    instructions: said.instructions,
    credit: said.credit,
    source: said.source,
    keywords,
    hierarchical: hierarchyFor(keywords, said.hierarchical),
    rating: ratingOf(photo, said.rating),
    label: m?.label ?? said.label,
    flag: photo.flag ?? null,
  };
  const located = choice === 'all';
  const gps = located ? (source.exif.gps.size > 0 ? source.exif.gps : null) : null;
  const position = located && photo.gps ? photo.gps : null;
  const instant = choice === 'copyright' ? null : photoCaptureInstant(photo);
  const hadOffset = source.exif.exif.has(0x9011);
  // A zone that came from the GPS position comes back from it in Immich (as the same IANA name),
  // unless the position is not written; any other zone would be lost without an offset tag.
  const zoneReturns = instant?.source === 'gps' && position !== null;
  return {
    choice,
    provenance: input.provenance,
    rights,
    about,
    place: located ? { city: said.city, state: said.state, country: said.country, countryCode: said.countryCode, sublocation: said.sublocation } : null,
    camera: choice === 'copyright' ? null : { ifd0: source.exif.ifd0, exif: source.exif.exif },
    lens: choice === 'copyright' ? null : m?.lens ?? null,
    gps,
    position,
    capture: instant ? { instant, addOffset: !hadOffset && instant.instant !== null && !zoneReturns } : null,
    density: densityOf(source.exif.ifd0),
  };
}
