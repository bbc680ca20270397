import type { EnhanceMeasures } from '../../../contract/enhance.ts';
import { decodeTransfer, encodeTransfer } from '../../recipes/colour-math.ts';
import { whiteBalanceGains, type WhiteBalanceParams } from '../../recipes/ops/white-balance.ts';
import type { Chroma } from './illuminant.ts';
import { luminanceOf } from './tone-stats.ts';
import { whiteBalanceParams } from './white-balance.ts';

/** The recipe source of series-match steps. */
export const MATCH_MODEL_ID = 'series-match';
export const MATCH_MODEL_VERSION = '1';

/**
 * A photo of the series as it looks now: what analysis measured on the original, moved by the
 * exposure and white balance its recipe already applies (so a hero that was auto-enhanced is
 * matched as the photographer sees it).
 */
export type SeriesPhoto = { id: number; measures: EnhanceMeasures; ev: number; whiteBalance: WhiteBalanceParams | null };

export type MatchProposal = { id: number; ev: number; whiteBalance: WhiteBalanceParams; reason: string };

/** Below these, a photo already matches: no step. */
export const MATCH_LIMITS = { minEv: 0.1, minCast: 0.03 } as const;

/** How a white-balance step moves the neutral (ln R/G, ln B/G) of a mid-grey: the op's own gains on encoded values. */
export function castShift(p: WhiteBalanceParams | null): Chroma {
  if (!p || (p.temperature === 0 && p.tint === 0)) return { u: 0, v: 0 };
  const [r, g, b] = whiteBalanceGains(p);
  const e = encodeTransfer(0.18);
  const lin = (gain: number) => decodeTransfer(Math.min(1, e * gain));
  return { u: Math.log(lin(r) / lin(g)), v: Math.log(lin(b) / lin(g)) };
}

type Look = { level: number; face: boolean; neutral: Chroma };

/** Exposure level in stops (face lightness when the photo has a face and `faces` says to use it) and neutral as shown. */
function lookOf(p: SeriesPhoto, faces: boolean): Look {
  const shift = castShift(p.whiteBalance);
  const level = faces && p.measures.faceL !== null ? Math.log2(luminanceOf(p.measures.faceL)) : p.measures.keyEv;
  return { level: level + p.ev, face: faces && p.measures.faceL !== null, neutral: { u: p.measures.neutral.u + shift.u, v: p.measures.neutral.v + shift.v } };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Exposure and white balance for every photo of a series so it looks like the reference: the hero
 * the photographer picked (left as it is), or else the series' median look. Faces decide the
 * exposure level when every photo has one (a portrait series is matched on skin, not on backgrounds).
 * Each proposal REPLACES the photo's own exposure and white balance (so `ev` is the photo's new
 * exposure in total); a photo already within MATCH_LIMITS of the reference gets none.
 */
export function matchSeries(photos: readonly SeriesPhoto[], heroId?: number): MatchProposal[] {
  if (photos.length < 2) return [];
  const faces = photos.every((p) => p.measures.faceL !== null);
  const looks = new Map(photos.map((p) => [p.id, lookOf(p, faces)]));
  const hero = heroId === undefined ? null : photos.find((p) => p.id === heroId) ?? null;
  const target: Look = hero
    ? looks.get(hero.id)!
    : {
        level: median([...looks.values()].map((l) => l.level)),
        face: faces,
        neutral: { u: median([...looks.values()].map((l) => l.neutral.u)), v: median([...looks.values()].map((l) => l.neutral.v)) },
      };
  const what = hero ? `photo ${hero.id}` : 'the series median';
  const out: MatchProposal[] = [];
  for (const p of photos) {
    if (hero && p.id === hero.id) continue;
    const look = looks.get(p.id)!;
    const move = target.level - look.level;
    const cast = { u: p.measures.neutral.u - target.neutral.u, v: p.measures.neutral.v - target.neutral.v };
    const current = castShift(p.whiteBalance);
    const castChange = Math.hypot(cast.u + current.u, cast.v + current.v);
    if (Math.abs(move) < MATCH_LIMITS.minEv && castChange < MATCH_LIMITS.minCast) continue;
    const ev = Math.round((p.ev + move) * 20) / 20;
    out.push({
      id: p.id,
      ev,
      whiteBalance: whiteBalanceParams(cast),
      reason: `matched to ${what}: ${move >= 0 ? '+' : ''}${move.toFixed(1)} EV on ${faces ? 'the faces' : 'the overall level'}${castChange >= MATCH_LIMITS.minCast ? ', white balance aligned' : ''}`,
    });
  }
  return out;
}
