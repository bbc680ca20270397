import { describe, expect, it } from 'vitest';
import { MatchCache, semanticMatches } from './semantic-matches.ts';

const ranked = (...scores: number[]) => scores.map((score, i) => ({ item: i + 1, score }));

describe('which semantic hits the search box shows', () => {
  it('keeps hits within the window of the best and above the floor, best first', () => {
    expect(semanticMatches(ranked(0.33, 0.31, 0.24, 0.22, 0.15))).toEqual([1, 2, 3]);
    // Nothing fits well: the floor leaves nothing rather than the least bad.
    expect(semanticMatches(ranked(0.19, 0.18))).toEqual([]);
    expect(semanticMatches([])).toEqual([]);
    expect(semanticMatches(ranked(0.3, 0.3, 0.3), { minScore: 0.2, window: 0.1, max: 2 })).toEqual([1, 2]);
  });

  it('computes a text once per generation, forgets the oldest and failed ones', async () => {
    const cache = new MatchCache(2);
    let calls = 0;
    const compute = async () => [++calls];
    expect(await cache.get('dog', 'g1', compute)).toEqual([1]);
    expect(await cache.get('dog', 'g1', compute)).toEqual([1]);
    expect(await cache.get('dog', 'g2', compute)).toEqual([2]);
    await cache.get('cat', 'g2', compute);
    // 'dog'@g1 was the oldest of three: asked again, it is computed again.
    expect(await cache.get('dog', 'g1', compute)).toEqual([4]);
    await expect(cache.get('fail', 'g2', () => Promise.reject(new Error('no model')))).rejects.toThrow('no model');
    expect(await cache.get('fail', 'g2', compute)).toEqual([5]);
  });
});
