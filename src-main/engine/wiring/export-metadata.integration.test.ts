import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportMetadata } from '../../contract/index.ts';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { exiftoolTags, hasExiftool } from '../../../test-support/exiftool.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { createEngine } from '../engine.ts';

/**
 * `lightbox process --metadata` reaches the engine as `exportMetadata`: it wins over the recipe's
 * output step and the folder for that run. The library's creator/copyright come from export.defaults.
 */
describe.skipIf(!hasCorpus || !hasExiftool)('export metadata through the engine', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    dir = await tempDir();
    await mkdir(path.join(dir.path, 'inbox'));
    await copyFile(corpusPath('jpeg/camera/exifr-IMG_20180725_163423.jpg'), path.join(dir.path, 'inbox', 'pixel.jpg'));
  });
  afterAll(() => dir?.cleanup());

  async function renderOnce(library: string, exportMetadata?: ExportMetadata) {
    const engine = await createEngine({ libraryDir: path.join(dir.path, library), watchFolders: false, tuning: { analysis: { enabled: false } }, ...(exportMetadata ? { exportMetadata } : {}) });
    try {
      await engine.processOnce([path.join(dir.path, 'inbox')]);
      const photo = (await engine.api.call('photos.list', {})).photos[0]!;
      expect(photo.captureInstant).toMatchObject({ zone: 'Europe/Prague', utc: '2018-07-25T14:34:23.935Z' });
      await engine.api.call('export.defaults.set', { creator: 'Studio Vltava', copyright: '  ' });
      expect(await engine.api.call('export.defaults.get', {})).toEqual({ creator: 'Studio Vltava', copyright: null });
      await engine.api.call('recipe.update', {
        photoId: photo.id,
        steps: [{ op: 'output', v: 2, enabled: true, source: 'user', params: { format: 'jpeg', quality: 80, tiffBitDepth: 8, colourSpace: 'srgb', metadata: 'all' } }],
      });
      await engine.whenIdle();
      const { renderedRevision } = await engine.api.call('recipe.get', { photoId: photo.id });
      return exiftoolTags(path.join(dir.path, library, 'processed', '2018', '07', `${photo.sha256!.slice(0, 8)}_${renderedRevision}.jpg`), ['-n']);
    } finally {
      await engine.close();
    }
  }

  it('the recipe\'s choice holds without --metadata; --metadata copyright wins over it', async () => {
    const kept = await renderOnce('lib-all');
    expect([kept['IFD0:Make'], kept['GPS:GPSLatitudeRef'], kept['XMP-dc:Creator']]).toEqual(['Google', 'N', ['Studio Vltava']]);
    const bare = await renderOnce('lib-copyright', 'copyright');
    expect([bare['IFD0:Make'], bare['GPS:GPSLatitudeRef'], bare['XMP-dc:Creator'], bare['IFD0:Artist']]).toEqual([undefined, undefined, ['Studio Vltava'], 'Studio Vltava']);
  }, 120_000);
});
