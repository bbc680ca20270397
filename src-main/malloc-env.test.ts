import { describe, expect, it } from 'vitest';
import { lacksMallocEnv, mallocEnv } from './malloc-env.ts';

describe.runIf(process.platform === 'linux')('mallocEnv', () => {
  it('adds a bounded arena count and a fixed mmap threshold', () => {
    const env = mallocEnv({ HOME: '/h' });
    expect(Number(env.MALLOC_ARENA_MAX)).toBeGreaterThanOrEqual(2);
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe(String(4 * 1024 * 1024));
    expect(env.HOME).toBe('/h');
    expect(lacksMallocEnv(env)).toBe(false);
  });

  it("keeps a setting the user made", () => {
    const env = mallocEnv({ MALLOC_ARENA_MAX: '8' });
    expect(env.MALLOC_ARENA_MAX).toBe('8');
    expect(lacksMallocEnv({ MALLOC_ARENA_MAX: '8' })).toBe(false);
    expect(lacksMallocEnv({})).toBe(true);
  });
});
