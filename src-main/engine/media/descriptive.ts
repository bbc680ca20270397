import { firstNumber, stringList, text } from './metadata-values.ts';

type Block = Record<string, unknown>;
type Blocks = Record<string, Block | undefined>;

/** IPTC Core's creator contact info, by its XMP field names (CiEmailWork, CiAdrCity…). */
export type ContactInfo = Record<string, string>;

/**
 * What a photographer wrote about a photo, from one file's XMP (or a sidecar's), with IPTC IIM and
 * EXIF Artist/Copyright (set in the camera's menu) as fallbacks: the fields an export keeps. Null or empty means "not there".
 */
export type Descriptive = {
  title: string | null;
  description: string | null;
  headline: string | null;
  /** Flat keywords (dc:subject). */
  keywords: string[];
  /** Lightroom's hierarchical keywords (`Places|France|Paris`). */
  hierarchical: string[];
  rating: number | null;
  /** The colour label (xmp:Label). */
  label: string | null;
  creator: string[];
  authorsPosition: string | null;
  copyright: string | null;
  usageTerms: string | null;
  webStatement: string | null;
  /** xmpRights:Marked: true = copyrighted, false = public domain. */
  marked: boolean | null;
  instructions: string | null;
  credit: string | null;
  source: string | null;
  contact: ContactInfo | null;
  city: string | null;
  state: string | null;
  country: string | null;
  countryCode: string | null;
  sublocation: string | null;
};

function contactOf(value: unknown): ContactInfo | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const fields = Object.entries(value as Record<string, unknown>)
    .filter(([k]) => /^Ci[A-Za-z]+$/.test(k))
    .map(([k, v]) => [k, text(v)] as const)
    .filter((e): e is readonly [string, string] => e[1] !== null);
  return fields.length > 0 ? Object.fromEntries(fields.sort(([a], [b]) => a.localeCompare(b))) : null;
}

function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 'True' || value === 'true') return true;
  if (value === 'False' || value === 'false') return false;
  return null;
}

/** exifr's parsed blocks (prefixes made canonical) -> what the photographer wrote. */
export function descriptiveFrom(blocks: Blocks): Descriptive {
  const dc = blocks.dc ?? {};
  const xmp = blocks.xmp ?? {};
  const ps = blocks.photoshop ?? {};
  const rights = blocks.xmpRights ?? {};
  const core = blocks.Iptc4xmpCore ?? {};
  const iptc = blocks.iptc ?? {};
  const ifd0 = blocks.ifd0 ?? {};
  const pick = (...values: unknown[]) => values.map(text).find((v) => v !== null) ?? null;
  const list = (...values: unknown[]) => values.map(stringList).find((l) => l.length > 0) ?? [];
  return {
    title: pick(dc.title, iptc.ObjectName),
    // Not EXIF ImageDescription: cameras fill it with their own name ("OLYMPUS DIGITAL CAMERA").
    description: pick(dc.description, iptc.Caption),
    headline: pick(ps.Headline, iptc.Headline),
    keywords: list(dc.subject, iptc.Keywords),
    hierarchical: list(blocks.lr?.hierarchicalSubject),
    rating: firstNumber(xmp.Rating),
    label: pick(xmp.Label),
    creator: list(dc.creator, iptc.Byline, ifd0.Artist),
    authorsPosition: pick(ps.AuthorsPosition, iptc.BylineTitle),
    copyright: pick(dc.rights, iptc.CopyrightNotice, ifd0.Copyright),
    usageTerms: pick(rights.UsageTerms),
    webStatement: pick(rights.WebStatement),
    marked: bool(rights.Marked),
    instructions: pick(ps.Instructions, iptc.SpecialInstructions),
    credit: pick(ps.Credit, iptc.Credit),
    source: pick(ps.Source, iptc.Source),
    contact: contactOf(core.CreatorContactInfo),
    city: pick(ps.City, iptc.City),
    state: pick(ps.State, iptc.State),
    country: pick(ps.Country, iptc.Country),
    countryCode: pick(core.CountryCode, iptc.CountryCode),
    sublocation: pick(core.Location, iptc.Sublocation),
  };
}

/** `b` over `a`, field by field: a sidecar's values win over the file's own (Lightroom's rule). */
export function overlay(a: Descriptive, b: Descriptive | null): Descriptive {
  if (!b) return a;
  const out = { ...a } as Record<string, unknown>;
  for (const [key, value] of Object.entries(b)) {
    const empty = value === null || (Array.isArray(value) && value.length === 0);
    if (!empty) out[key] = value;
  }
  return out as Descriptive;
}
