import { HASH_BITS, hammingDistance } from './perceptual-hash.ts';

export type HashedItem = {
  id: number;
  hash: string;
  /** Capture time in ms (any fixed clock: only differences are used); null when unknown. */
  capturedAt: number | null;
  /** Technical quality 0..1, for the best pick; null when not analysed. */
  quality: number | null;
};

export type DuplicateGroup = { ids: number[]; bestId: number };

/**
 * Thresholds in bits of the 512-bit gradient hash. Measured on the corpus: the same photo at
 * 240p..1080p differs by 10-20 bits, recompressed/blurred/darkened copies by 10-50, the iPhone HDR
 * on/off pair by 19; the Canon HDR pair (the camera moved between the shots, 26 s apart) by 149;
 * unrelated photos by 179 or more. So a near match groups on its own, and a looser match only when
 * the two were taken within a burst window of each other.
 */
export const NEAR_DUPLICATE_DEFAULTS = {
  nearBits: Math.round(HASH_BITS * 0.12), // 61
  burstBits: Math.round(HASH_BITS * 0.32), // 164
  burstWindowMs: 60_000,
};

export type NearDuplicateOptions = Partial<typeof NEAR_DUPLICATE_DEFAULTS>;

export function isNearDuplicate(a: HashedItem, b: HashedItem, options: NearDuplicateOptions = {}): boolean {
  const o = { ...NEAR_DUPLICATE_DEFAULTS, ...options };
  const d = hammingDistance(a.hash, b.hash);
  if (d <= o.nearBits) return true;
  const closeInTime = a.capturedAt !== null && b.capturedAt !== null && Math.abs(a.capturedAt - b.capturedAt) <= o.burstWindowMs;
  return closeInTime && d <= o.burstBits;
}

/**
 * Groups (connected components of the near-duplicate relation) with at least two members, each with
 * its best pick: the highest quality, ties and unknown quality going to the lowest id. Quadratic
 * in the number of photos, which is fine for a library page or a day's shoot.
 */
export function groupNearDuplicates(items: HashedItem[], options: NearDuplicateOptions = {}): DuplicateGroup[] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (find(i) !== find(j) && isNearDuplicate(items[i]!, items[j]!, options)) parent[find(j)] = find(i);
    }
  }
  const byRoot = new Map<number, HashedItem[]>();
  items.forEach((item, i) => {
    const root = find(i);
    byRoot.set(root, [...(byRoot.get(root) ?? []), item]);
  });
  const groups: DuplicateGroup[] = [];
  for (const members of byRoot.values()) {
    if (members.length < 2) continue;
    const ids = members.map((m) => m.id).sort((a, b) => a - b);
    const best = [...members].sort((a, b) => (b.quality ?? -1) - (a.quality ?? -1) || a.id - b.id)[0]!;
    groups.push({ ids, bestId: best.id });
  }
  return groups.sort((a, b) => a.ids[0]! - b.ids[0]!);
}

/**
 * The group holding one photo, without grouping the whole library: a breadth-first walk from it,
 * comparing each new member with the rest (linear in the library per member, where grouping
 * everything is quadratic). Same answer as groupNearDuplicates for that photo.
 */
export function groupOf(items: HashedItem[], id: number, options: NearDuplicateOptions = {}): DuplicateGroup | null {
  const start = items.find((i) => i.id === id);
  if (!start) return null;
  const members = [start];
  let rest = items.filter((i) => i !== start);
  for (let k = 0; k < members.length; k++) {
    const near = rest.filter((other) => isNearDuplicate(members[k]!, other, options));
    if (near.length === 0) continue;
    members.push(...near);
    rest = rest.filter((other) => !near.includes(other));
  }
  if (members.length < 2) return null;
  const best = [...members].sort((a, b) => (b.quality ?? -1) - (a.quality ?? -1) || a.id - b.id)[0]!;
  return { ids: members.map((m) => m.id).sort((a, b) => a - b), bestId: best.id };
}
