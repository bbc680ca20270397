import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { detectFormat, isSupportedImage, sniffFile } from './detect-format.ts';
import { MediaError } from './media-error.ts';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const ftyp = (major: string, ...compatible: string[]) => {
  const body = bytes('ftyp', major, [0, 0, 0, 0], ...compatible);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(body.length + 4);
  return Buffer.concat([size, body]);
};

describe('detectFormat', () => {
  it('recognises formats by their magic bytes', () => {
    expect(detectFormat(bytes([0xff, 0xd8, 0xff, 0xe1]))).toBe('jpeg');
    expect(detectFormat(bytes([0x89], 'PNG\r\n\x1a\n'))).toBe('png');
    expect(detectFormat(bytes('GIF89a'))).toBe('gif');
    expect(detectFormat(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
    expect(detectFormat(ftyp('heic', 'mif1', 'heic'))).toBe('heic');
    expect(detectFormat(ftyp('mif1', 'mif1', 'heic'))).toBe('heic');
    expect(detectFormat(ftyp('msf1', 'msf1', 'hevc'))).toBe('heic');
    expect(detectFormat(ftyp('avif', 'mif1', 'avif'))).toBe('avif');
    expect(detectFormat(ftyp('mif1', 'avif', 'miaf'))).toBe('avif');
    expect(detectFormat(ftyp('crx ', 'crx ', 'isom'))).toBe('cr3');
    expect(detectFormat(bytes([0xff, 0x0a, 0, 0]))).toBe('jxl');
    expect(detectFormat(bytes('FUJIFILMCCD-RAW 0201'))).toBe('raf');
    expect(detectFormat(bytes('\0MRM\0\0'))).toBe('mrw');
    expect(detectFormat(bytes('FOVb\x02\0'))).toBe('x3f');
    expect(detectFormat(bytes('II\x1a\0\0\0HEAPCCDR'))).toBe('crw');
    expect(detectFormat(bytes('IIRO', [8, 0, 0, 0]))).toBe('orf');
    expect(detectFormat(bytes('IIU\0', [0x18, 0, 0, 0]))).toBe('rw2');
    expect(detectFormat(bytes('II*\0', [0x10, 0, 0, 0], 'CR', [2, 0]))).toBe('cr2');
  });

  it('uses the extension only to tell TIFF-based RAW kinds apart', () => {
    const tiff = bytes('II*\0', [8, 0, 0, 0], [0, 0]);
    expect(detectFormat(tiff)).toBe('tiff');
    expect(detectFormat(tiff, 'DSC_0001.NEF')).toBe('nef');
    expect(detectFormat(tiff, 'a.arw')).toBe('arw');
    expect(detectFormat(tiff, 'a.jpg')).toBe('tiff');
    // The bytes win: a JPEG named .nef stays a JPEG.
    expect(detectFormat(bytes([0xff, 0xd8, 0xff, 0xe0]), 'x.nef')).toBe('jpeg');
  });

  it('returns null for bytes that are no image', () => {
    expect(detectFormat(Buffer.from('This is a plain text file, not an image.'))).toBeNull();
    expect(detectFormat(Buffer.alloc(0))).toBeNull();
    expect(isSupportedImage(null)).toBe(false);
    expect(isSupportedImage('jxl')).toBe(false);
    expect(isSupportedImage('heic')).toBe(true);
  });
});

describe('sniffFile', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'lightbox-sniff-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('reports a file of zeros (interrupted copy) as not an image', async () => {
    const file = path.join(dir, 'zeros.jpg');
    await writeFile(file, Buffer.alloc(5000));
    const error = await sniffFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe('not-an-image');
    expect((error as MediaError).message).toMatch(/only zero bytes/);
  });

  it('reports a vanished file as file-vanished', async () => {
    const error = await sniffFile(path.join(dir, 'gone.jpg')).catch((e: unknown) => e);
    expect((error as MediaError).code).toBe('file-vanished');
  });

  describe.skipIf(!hasCorpus)('corpus', () => {
    it('warns about a wrong extension and keeps the real format', async () => {
      const png = await sniffFile(corpusPath('bad/png-named.jpg'));
      expect(png.format).toBe('png');
      expect(png.warnings.map((w) => w.code)).toEqual(['wrong-extension']);
      expect(png.warnings[0]?.message).toMatch(/named \.jpg but is really a PNG/);
      const nef = await sniffFile(corpusPath('bad/jpeg-named-nef-Issue_247-1.nef'));
      expect(nef.format).toBe('jpeg');
      expect(nef.warnings.map((w) => w.code)).toEqual(['wrong-extension']);
    });

    it('detects real RAW files and DNG by its DNGVersion tag', async () => {
      expect((await sniffFile(corpusPath('raw/Canon-R6-pruned.CR3'))).format).toBe('cr3');
      expect((await sniffFile(corpusPath('raw/sony_a7iii_truncated.ARW'))).format).toBe('arw');
      expect((await sniffFile(corpusPath('raw/apple-iphone12pro-IMG_1361.dng'))).format).toBe('dng');
      expect((await sniffFile(corpusPath('raw/exiftool-stubs/PhaseOne.iiq'))).format).toBe('iiq');
      expect((await sniffFile(corpusPath('heic/image-sequence-msf1.heic'))).format).toBe('heic');
    });
  });
});
