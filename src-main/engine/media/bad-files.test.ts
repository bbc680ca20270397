import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorCode, WarningCode } from '../../contract/errors.ts';
import { corpusDir, corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { openImage } from './decode.ts';
import { stopHeicWorker } from './heic-decoder.ts';
import { MediaError } from './media-error.ts';
import { readMetadata } from './metadata.ts';

type Expected = { error: ErrorCode; message?: RegExp } | { ok: [number, number]; warnings: WarningCode[]; metadataWarnings?: WarningCode[] };

/** Every file in bad/: its specific error, or the warnings it opens with when the image is fine. */
const BAD: Record<string, Expected> = {
  'zero-byte.jpg': { error: 'empty-file', message: /empty \(0 bytes\)/ },
  'text-file.jpg': { error: 'not-an-image', message: /text file/ },
  'truncated-10000B.jpg': { error: 'truncated', message: /ends after 10,000 bytes: the file was cut off/ },
  'truncated-400B.jpg': { error: 'truncated', message: /ends after 400 bytes/ },
  'truncated-iphone5-halfway.jpg': { error: 'truncated', message: /ends after 1,500,000 bytes/ },
  'truncated.gif': { error: 'truncated', message: /GIF ends after/ },
  'corrupt-header.jpg': { error: 'corrupt-image', message: /header stops or breaks after 1,024 bytes/ },
  'corrupt.png': { error: 'corrupt-image', message: /damaged/ },
  'corrupt-rw2-368B.rw2': { error: 'raw-no-preview', message: /no usable embedded preview/ },
  'bomb-17000x17000.avif': { error: 'too-many-pixels', message: /17,000 × 17,000 pixels/ },
  'bomb-30000x30000-gray.png': { error: 'too-many-pixels', message: /30,000 × 30,000 pixels/ },
  'bomb-65536-uint32-limit.png': { error: 'too-many-pixels', message: /65,536 × 65,536 pixels/ },
  'png-named.jpg': { ok: [451, 300], warnings: ['wrong-extension'] },
  'jpeg-named-nef-Issue_247-1.nef': { ok: [2000, 3008], warnings: ['wrong-extension'] },
  'jpeg-named-nef-Issue_247-2.nef': { ok: [2000, 3008], warnings: ['wrong-extension'] },
  'big-height.webp': { ok: [13, 169], warnings: ['animated-first-frame'] },
  'corrupt-exif-ifd0.jpg': { ok: [640, 480], warnings: [], metadataWarnings: ['metadata-unreadable'] },
  'exifr-RangeError_Invalid_typed_array_length.jpg': { ok: [60, 42], warnings: [] },
  'exifr-RangeError_Offset_outside_bounds.jpg': { ok: [100, 63], warnings: [] },
  'exifr-broken1.jpg': { ok: [600, 900], warnings: [] },
  'exifr-issue-exifr-41-Error_Segment_Unreachable.jpg': { ok: [297, 396], warnings: [] },
};

/** raw/: a usable embedded preview decodes; truncated files and stubs give 'raw-no-preview'. */
const RAW: Record<string, Expected> = {
  'Canon-R6-pruned.CR3': { ok: [1620, 1080], warnings: [] },
  'nikon_z9_HE_overexposed.dng': { ok: [640, 424], warnings: ['raw-small-preview'] },
  'apple-iphone12pro-IMG_1361.dng': { error: 'raw-no-preview', message: /past the end of the file/ },
  'leica_m10_first100KB.dng': { error: 'raw-no-preview', message: /past the end of the file/ },
  'sony_a7iii_truncated.ARW': { error: 'raw-no-preview', message: /past the end of the file/ },
  'sony_zv-e10_first100KB.arw': { error: 'raw-no-preview', message: /past the end of the file/ },
  'canon_cr3_first128KB.cr3': { error: 'raw-no-preview', message: /160 × 120 thumbnail/ },
  'exiftool-stubs/CanonRaw.cr2': { error: 'raw-no-preview' },
  'exiftool-stubs/CanonRaw.cr3': { error: 'raw-no-preview' },
  'exiftool-stubs/CanonRaw.crw': { error: 'raw-no-preview' },
  'exiftool-stubs/DNG.dng': { error: 'raw-no-preview' },
  'exiftool-stubs/FujiFilm.raf': { error: 'raw-no-preview', message: /160 × 120 thumbnail/ },
  'exiftool-stubs/Minolta.mrw': { error: 'raw-no-preview' },
  'exiftool-stubs/Nikon.nef': { error: 'raw-no-preview' },
  'exiftool-stubs/Panasonic.rw2': { error: 'raw-no-preview' },
  'exiftool-stubs/PhaseOne.iiq': { error: 'raw-no-preview' },
  'exiftool-stubs/Sigma.x3f': { error: 'raw-no-preview' },
  'header-only/fixture.nef': { error: 'raw-no-preview' },
  'header-only/fixture.orf': { error: 'raw-no-preview' },
  'header-only/fixture.raf': { error: 'raw-no-preview' },
  'header-only/fixture.rw2': { error: 'raw-no-preview' },
};

async function check(file: string, expected: Expected): Promise<void> {
  const result = await openImage(file).then((img) => img, (error: unknown) => error);
  if ('error' in expected) {
    expect(result, 'must throw MediaError only').toBeInstanceOf(MediaError);
    expect((result as MediaError).code).toBe(expected.error);
    if (expected.message) expect((result as MediaError).message).toMatch(expected.message);
    return;
  }
  if (result instanceof Error) throw result;
  const img = result as Awaited<ReturnType<typeof openImage>>;
  expect([img.width, img.height]).toEqual(expected.ok);
  expect(img.warnings.map((w) => w.code)).toEqual(expected.warnings);
  const { info } = await img.pipeline().resize(32).raw().toBuffer({ resolveWithObject: true });
  expect(info.width).toBe(32);
}

describe.skipIf(!hasCorpus)('bad/ inputs', () => {
  afterAll(() => stopHeicWorker());

  it('the table covers every file in bad/', () => {
    expect(readdirSync(`${corpusDir}/bad`).sort()).toEqual(Object.keys(BAD).sort());
  });

  it.each(Object.entries(BAD))('%s', async (name, expected) => {
    await check(corpusPath(`bad/${name}`), expected);
    // Metadata never throws, even where exifr used to crash.
    const meta = await readMetadata(corpusPath(`bad/${name}`));
    if ('ok' in expected) expect(meta.warnings.map((w) => w.code)).toEqual(expected.metadataWarnings ?? []);
  });

  it('refuses JPEG XL and AVIF animations as unsupported-format', async () => {
    await check(corpusPath('other/jxl/test_0001.jxl'), { error: 'unsupported-format', message: /JPEG XL/ });
    await check(corpusPath('other/avif/sequence.avif'), { error: 'unsupported-format', message: /AVIF animation/ });
  });

  it('a pixel limit below the image size refuses it before decoding', async () => {
    const error = await openImage(corpusPath('jpeg/camera/Nikon_D70.jpg'), { maxPixels: 5_000_000 }).catch((e: unknown) => e);
    expect((error as MediaError).code).toBe('too-many-pixels');
    expect((error as MediaError).message).toMatch(/3,008 × 2,000 pixels/);
  });
});

describe.skipIf(!hasCorpus)('raw/ inputs', () => {
  it.each(Object.entries(RAW))('%s', async (name, expected) => {
    await check(corpusPath(`raw/${name}`), expected);
  });

  it('applies the CR3 container orientation to its preview', async () => {
    // canon_cr3_first128KB says Orientation=6 but has only a thumbnail; R6 says 1.
    const img = await openImage(corpusPath('raw/Canon-R6-pruned.CR3'));
    expect(img.orientation).toBe(1);
  });
});
