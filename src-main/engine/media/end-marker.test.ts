import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { checkCompleteness } from './end-marker.ts';

describe.skipIf(!hasCorpus)('checkCompleteness', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => (dir = await tempDir()));
  afterAll(() => dir.cleanup());

  const write = async (name: string, bytes: Buffer) => {
    const file = path.join(dir.path, name);
    await writeFile(file, bytes);
    return file;
  };

  it('calls every prefix of a JPEG with an EXIF thumbnail incomplete, and the whole file complete', async () => {
    // This camera file embeds a thumbnail whose own EOI sits early in the file.
    const bytes = await readFile(corpusPath('jpeg/camera/Canon_EOS_20D_2.jpg'));
    for (const fraction of [0.01, 0.05, 0.2, 0.5, 0.9, 0.999]) {
      const cut = await write(`cut-${fraction}.jpg`, bytes.subarray(0, Math.floor(bytes.length * fraction)));
      expect(await checkCompleteness(cut), `cut at ${fraction}`).toBe('incomplete');
    }
    expect(await checkCompleteness(await write('whole.jpg', bytes))).toBe('complete');
    expect(await checkCompleteness(await write('padded.jpg', Buffer.concat([bytes, Buffer.alloc(100)])))).toBe('complete');
  });

  it('knows PNG, GIF and WebP ends, and leaves other formats to the caller', async () => {
    const png = await readFile(corpusPath('other/png/indexed.png'));
    expect(await checkCompleteness(await write('a.png', png))).toBe('complete');
    expect(await checkCompleteness(await write('b.png', png.subarray(0, png.length - 20)))).toBe('incomplete');
    const gif = await readFile(corpusPath('other/gif/cogs.gif'));
    expect(await checkCompleteness(await write('a.gif', gif))).toBe('complete');
    expect(await checkCompleteness(await write('b.gif', gif.subarray(0, gif.length - 1)))).toBe('incomplete');
    const webp = await readFile(corpusPath('other/webp/webp-gallery-4.webp'));
    expect(await checkCompleteness(await write('a.webp', webp))).toBe('complete');
    expect(await checkCompleteness(await write('b.webp', webp.subarray(0, 5000)))).toBe('incomplete');
    expect(await checkCompleteness(await write('a.heic', await readFile(corpusPath('heic/Stonehenge_NikonD5300.heic'))))).toBe('unknown');
  });

  it('treats the truncated corpus JPEGs as incomplete (the caller ingests them after a grace period)', async () => {
    for (const name of ['truncated-10000B.jpg', 'truncated-iphone5-halfway.jpg']) {
      expect(await checkCompleteness(corpusPath(`bad/${name}`))).toBe('incomplete');
    }
  });
});
