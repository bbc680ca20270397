import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../test-support/corpus.ts';
import { exiftoolTags, hasExiftool } from '../../test-support/exiftool.ts';
import { runCli } from '../../test-support/run-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const run = (args: string[]) => runCli(args, { LIGHTBOX_LIBRARY: '' });
// GPS in Helsinki, OffsetTimeOriginal +03:00, no IPTC/XMP of its own.
const JPEG = 'jpeg/camera/HMD_Nokia_8.3_5G.jpg';

describe.skipIf(!hasCorpus || !hasExiftool)('lightbox render --metadata', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let recipe: string;
  beforeAll(async () => {
    dir = await tempDir();
    recipe = path.join(dir.path, 'r.json');
    await writeFile(recipe, JSON.stringify({ steps: [{ op: 'resize', v: 1, enabled: true, source: 'user', params: { mode: 'long-edge', longEdge: 400, allowUpscale: false } }] }));
  });
  afterAll(() => dir?.cleanup());

  const render = async (out: string, extra: string[] = []) => {
    const result = await run(['render', corpusPath(JPEG), '--recipe', recipe, '--out', path.join(dir.path, out), ...extra]);
    expect([result.code, result.stderr]).toEqual([0, '']);
    return exiftoolTags(path.join(dir.path, out), ['-n']);
  };

  it('keeps everything by default, drops the location with no-location, keeps only the render\'s own facts with copyright', async () => {
    const all = await render('all.jpg');
    expect([all['IFD0:Make'], all['ExifIFD:OffsetTimeOriginal'], all['GPS:GPSLatitude']]).toEqual(['HMD Global', '+03:00', expect.closeTo(60.1467, 3)]);
    expect(all['XMP-lightbox:OriginalSHA256']).toMatch(/^[0-9a-f]{64}$/);

    const hidden = await render('no-location.webp', ['--metadata', 'no-location']);
    expect(Object.keys(hidden).filter((k) => k.includes('GPS'))).toEqual([]);
    expect([hidden['IFD0:Make'], hidden['ExifIFD:DateTimeOriginal'], hidden['ExifIFD:OffsetTimeOriginal']]).toEqual(['HMD Global', '2022:08:14 14:12:31', '+03:00']);

    const bare = await render('copyright.png', ['--metadata', 'copyright']);
    expect(Object.keys(bare).filter((k) => !k.startsWith('ICC') && /GPS|Make|Model|DateTime|CreateDate|Exposure/.test(k))).toEqual([]);
    expect([bare['IFD0:Orientation'], bare['ExifIFD:ExifImageWidth'], bare['XMP-lightbox:OriginalSHA256']]).toEqual([1, 400, all['XMP-lightbox:OriginalSHA256']]);
  }, 60_000);

  it('refuses an unknown choice with the usage text, for render and process', async () => {
    const bad = await run(['render', corpusPath(JPEG), '--recipe', recipe, '--out', path.join(dir.path, 'x.jpg'), '--metadata', 'some']);
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, 'lightbox: --metadata must be all, no-location, copyright (got "some").']);
    const process = await run(['process', dir.path, '--library', path.join(dir.path, 'lib'), '--metadata', 'gps-only']);
    expect([process.code, process.stderr.split('\n')[0]]).toEqual([2, 'lightbox: --metadata must be all, no-location, copyright (got "gps-only").']);
  }, 60_000);
});
