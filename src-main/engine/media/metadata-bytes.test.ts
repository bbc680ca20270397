import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { readMetadataBytes } from './metadata-bytes.ts';

const SOS = Buffer.from([0xff, 0xda]);

describe.skipIf(!hasCorpus)('readMetadataBytes', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => (dir = await tempDir()));
  afterAll(async () => dir.cleanup());

  it('reads a camera JPEG only up to its first scan', async () => {
    const file = corpusPath('jpeg/camera/Leica_T_Typ_701.jpg');
    const whole = await readFile(file);
    const head = await readMetadataBytes(file);
    expect(head.length).toBeLessThan(whole.length / 4);
    expect(whole.subarray(head.length, head.length + 2)).toEqual(SOS);
    expect(whole.subarray(0, head.length).equals(head)).toBe(true);
  });

  it('follows header segments past the first read (a 300 KB comment before the scan)', async () => {
    const whole = await readFile(corpusPath('jpeg/camera/Nikon_D70.jpg'));
    const comment = Buffer.alloc(60_000, 0x41);
    const segment = Buffer.concat([Buffer.from([0xff, 0xfe, (comment.length + 2) >> 8, (comment.length + 2) & 0xff]), comment]);
    const padded = Buffer.concat([whole.subarray(0, 2), ...Array(5).fill(segment), whole.subarray(2)]);
    const file = path.join(dir.path, 'long-header.jpg');
    await writeFile(file, padded);
    const head = await readMetadataBytes(file);
    expect(head.length).toBeGreaterThan(300_000);
    expect(padded.subarray(head.length, head.length + 2)).toEqual(SOS);
  });

  it('reads other formats and broken JPEG structures whole', async () => {
    const heic = corpusPath('heic/exif-at-eof.heic');
    expect((await readMetadataBytes(heic)).length).toBe((await readFile(heic)).length);
    const whole = await readFile(corpusPath('jpeg/camera/Nikon_D70.jpg'));
    const broken = Buffer.concat([whole.subarray(0, 2), Buffer.from([0x12, 0x34]), whole.subarray(2)]);
    const file = path.join(dir.path, 'broken.jpg');
    await writeFile(file, broken);
    expect((await readMetadataBytes(file)).length).toBe(broken.length);
  });
});
