import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { readMetadata } from '../media/metadata.ts';
import { groupNearDuplicates, groupOf as groupHolding, type HashedItem } from './near-duplicates.ts';
import { gradientHash, hammingDistance, hashFromGrey, HASH_BITS } from './perceptual-hash.ts';
import { loadRgb } from './rgb-image.ts';

describe('gradient hash', () => {
  it('is 512 bits of neighbour comparisons', () => {
    const rising = Uint8Array.from({ length: 17 * 16 }, (_, i) => i % 17); // brighter to the right
    const falling = Uint8Array.from({ length: 16 * 17 }, (_, i) => 255 - Math.floor(i / 16)); // darker downwards
    const h = hashFromGrey(rising, falling);
    expect(h).toBe('f'.repeat(64) + '0'.repeat(64));
    expect(hammingDistance(h, '0'.repeat(128))).toBe(256);
    expect(hammingDistance(h, h)).toBe(0);
    expect(() => hammingDistance(h, 'ff')).toThrow(/length/);
  });
});

describe('groupNearDuplicates', () => {
  const h = (bits: number) => ('f'.repeat(bits / 4) + '0'.repeat(128 - bits / 4)).slice(0, 128);
  it('groups near hashes, loose hashes only within the burst window, and picks the best quality', () => {
    const items: HashedItem[] = [
      { id: 1, hash: h(0), capturedAt: 0, quality: 0.5 },
      { id: 2, hash: h(40), capturedAt: null, quality: 0.9 }, // 40 bits from 1: near
      { id: 3, hash: h(200), capturedAt: 10_000, quality: 0.7 }, // 160 from 2, 200 from 1: no
      { id: 4, hash: h(320), capturedAt: 20_000, quality: 0.2 }, // 120 from 3, 10 s apart: burst
      { id: 5, hash: h(440), capturedAt: 500_000, quality: 0.9 }, // 120 from 4 but 8 min later
    ];
    expect(groupNearDuplicates(items)).toEqual([
      { ids: [1, 2], bestId: 2 },
      { ids: [3, 4], bestId: 3 },
    ]);
    expect(groupHolding(items, 1)).toEqual({ ids: [1, 2], bestId: 2 });
    expect(groupHolding(items, 4)).toEqual({ ids: [3, 4], bestId: 3 });
    expect(groupHolding(items, 5)).toBeNull();
    expect(groupHolding(items, 99)).toBeNull();
  });
});

/** Which photos are the same scene: exact copies, resizes, HDR pairs, and the quality ladders made from one photo. */
function family(rel: string): string {
  const name = rel.split('/').pop()!;
  if (name.startsWith('canon_hdr')) return 'canon-hdr';
  if (name.startsWith('iphone_hdr')) return 'iphone-hdr';
  if (/^fr-obama-\d+p/.test(name)) return 'obama-video';
  if (name.startsWith('coffee')) return 'coffee';
  if (name.startsWith('chelsea')) return 'chelsea';
  if (name.startsWith('saw-')) return 'saw';
  return rel;
}

describe.skipIf(!hasCorpus)('near-duplicates on the corpus', () => {
  const dirs = ['content/near-dup', 'content/people', 'content/skimage', 'content/objects', 'content/quality', 'content/quality/derived'];
  const files = hasCorpus ? dirs.flatMap((d) => readdirSync(corpusPath(d)).filter((f) => /\.(jpe?g|png)$/i.test(f)).map((f) => `${d}/${f}`)) : [];

  it('groups the HDR pairs, the 240p-1080p set and the byte copy, and never groups unrelated photos', async () => {
    const items: HashedItem[] = [];
    for (const [i, rel] of files.entries()) {
      const meta = await readMetadata(corpusPath(rel));
      const local = meta.captureDate?.local;
      items.push({ id: i + 1, hash: await gradientHash(await loadRgb(corpusPath(rel), 1024)), capturedAt: local ? Date.parse(`${local}Z`) : null, quality: null });
    }
    const groups = groupNearDuplicates(items);
    // The one-photo walk the API uses agrees with grouping everything.
    for (const item of items) expect(groupHolding(items, item.id)).toEqual(groups.find((g) => g.ids.includes(item.id)) ?? null);
    const groupOf = (rel: string) => groups.find((g) => g.ids.includes(files.indexOf(rel) + 1))?.ids.map((id) => files[id - 1]!).sort() ?? [];

    expect(groupOf('content/near-dup/canon_hdr_NO.jpg')).toEqual(['content/near-dup/canon_hdr_NO-copy.jpg', 'content/near-dup/canon_hdr_NO.jpg', 'content/near-dup/canon_hdr_YES.jpg']);
    expect(groupOf('content/near-dup/iphone_hdr_NO.jpg')).toEqual(['content/near-dup/iphone_hdr_NO.jpg', 'content/near-dup/iphone_hdr_YES.jpg']);
    expect(groupOf('content/near-dup/fr-obama-240p.jpg')).toEqual(['240p', '480p', '720p', '1080p'].map((s) => `content/near-dup/fr-obama-${s}.jpg`).sort());
    for (const g of groups) {
      const families = new Set(g.ids.map((id) => family(files[id - 1]!)));
      expect({ group: g.ids.map((id) => files[id - 1]), families: families.size }).toEqual({ group: g.ids.map((id) => files[id - 1]), families: 1 });
    }
    // The byte copy is at distance 0; the Canon HDR pair only groups thanks to the burst window (26 s apart).
    const canon = (n: string) => items[files.indexOf(`content/near-dup/${n}.jpg`)]!;
    expect(hammingDistance(canon('canon_hdr_NO').hash, canon('canon_hdr_NO-copy').hash)).toBe(0);
    expect(hammingDistance(canon('canon_hdr_NO').hash, canon('canon_hdr_YES').hash)).toBeGreaterThan(HASH_BITS * 0.12);
    expect(groupNearDuplicates([canon('canon_hdr_NO'), { ...canon('canon_hdr_YES'), capturedAt: null }])).toEqual([]);
  }, 60_000);
});
