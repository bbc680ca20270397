import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unpackedPath } from './asar-paths.ts';

describe('unpackedPath', () => {
  it('swaps the app.asar segment for app.asar.unpacked', () => {
    const appPath = path.join(path.sep, 'opt', 'Lightbox', 'resources', 'app.asar');
    expect(unpackedPath(appPath)).toBe(path.join(path.sep, 'opt', 'Lightbox', 'resources', 'app.asar.unpacked'));
    expect(path.join(unpackedPath(appPath), 'models')).toBe(path.join(path.sep, 'opt', 'Lightbox', 'resources', 'app.asar.unpacked', 'models'));
  });

  it('leaves a development path alone, even one that merely contains "asar"', () => {
    const dev = path.join(path.sep, 'home', 'me', 'app.asar-notes', 'lightbox');
    expect(unpackedPath(dev)).toBe(dev);
  });
});
