import { describe, expect, it } from 'vitest';
import { ExportTargetId, RenderTarget } from '../../contract/index.ts';
import { EXPORT_TARGET_IDS } from './pipeline/index.ts';
import { targetFromKey, targetKey } from './target-key.ts';

describe('export targets', () => {
  it('the contract offers exactly the targets the renderer knows', () => {
    expect([...ExportTargetId.options]).toEqual([...EXPORT_TARGET_IDS]);
  });

  it('names each output so it is safe in a file name and distinct per framing', () => {
    const keys = [
      undefined,
      RenderTarget.parse({ id: 'square' }),
      RenderTarget.parse({ id: 'story-9x16', strategy: 'extend' }),
      RenderTarget.parse({ id: 'story-9x16', strategy: 'extend', background: '#FFaa00' }),
    ].map(targetKey);
    expect(keys).toEqual(['main', 'square', 'story-9x16-extend', 'story-9x16-extend-ffaa00']);
    for (const key of keys) expect(key).toMatch(/^[a-z0-9-]+$/);
  });

  it('reads a key back into the target that made it (a repair renders the output again)', () => {
    for (const id of ExportTargetId.options) {
      for (const target of [RenderTarget.parse({ id }), RenderTarget.parse({ id, strategy: 'extend' }), RenderTarget.parse({ id, strategy: 'extend', background: '#12ab9f' })]) {
        expect(targetFromKey(targetKey(target))).toEqual(target);
      }
    }
    expect(targetFromKey('main')).toBeNull();
    expect(targetFromKey('poster-extend')).toBeNull();
  });
});
