import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../test-support/corpus.ts';
import { boundaryOf, MultipartError, parseMultipart, type PartInfo } from './multipart.ts';
import { sha1 } from './test-helpers.ts';
import { parseSidecar } from './xmp.ts';

async function* inChunks(body: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

async function collect(body: Buffer, boundary: string, chunkSize: number) {
  const parts: Array<PartInfo & { data: Buffer }> = [];
  await parseMultipart(inChunks(body, chunkSize), boundary, (info) => {
    const chunks: Buffer[] = [];
    return {
      write: (c) => void chunks.push(Buffer.from(c)),
      end: () => void parts.push({ ...info, data: Buffer.concat(chunks) }),
    };
  });
  return parts;
}

describe.skipIf(!hasCorpus)('multipart parser', () => {
  it('gives back every part byte for byte whatever the chunking (real FormData encoding)', async () => {
    const jpeg = await readFile(corpusPath('jpeg/camera/Sony_Cybershot_3.jpg'));
    const form = new FormData();
    form.append('fileCreatedAt', '2021-06-01T10:00:00.000Z');
    form.append('assetData', new File([jpeg], 'Sony "3".jpg'));
    const response = new Response(form);
    const body = Buffer.from(await response.arrayBuffer());
    const boundary = boundaryOf(response.headers.get('content-type') ?? '') ?? '';

    for (const size of [1, 2, 3, 7, 64, 1000, 4096, 65536, body.length]) {
      const parts = await collect(body, boundary, size);
      expect(parts.map((p) => [p.name, p.filename])).toEqual([
        ['fileCreatedAt', undefined],
        ['assetData', 'Sony %223%22.jpg'],
      ]);
      expect(parts[0]?.data.toString()).toBe('2021-06-01T10:00:00.000Z');
      expect(sha1(parts[1]?.data ?? Buffer.alloc(0)).equals(sha1(jpeg))).toBe(true);
    }
  });

  it('does not end a part on data that only starts like the delimiter', async () => {
    const boundary = 'b0undary42';
    const trap = `x\r\n--b0und\r\n--b0undary4`;
    const body = Buffer.from(
      `preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="trap"\r\n\r\n${trap}` +
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n` +
        `\r\n--${boundary}--\r\n`,
    );
    for (const size of [1, 2, 5, 11, body.length]) {
      const parts = await collect(body, boundary, size);
      expect(parts.map((p) => [p.name, p.filename, p.data.toString()])).toEqual([
        ['trap', undefined, trap],
        ['f', 'a.jpg', ''],
      ]);
    }
  });

  it('rejects a body cut short', async () => {
    const form = new FormData();
    form.append('assetData', new File([Buffer.alloc(5000, 7)], 'a.jpg'));
    const response = new Response(form);
    const body = Buffer.from(await response.arrayBuffer());
    const boundary = boundaryOf(response.headers.get('content-type') ?? '') ?? '';
    await expect(collect(body.subarray(0, 3000), boundary, 512)).rejects.toBeInstanceOf(MultipartError);
  });
});

describe.skipIf(!hasCorpus)('XMP sidecar reader', () => {
  it('reads a Lightroom sidecar as Immich does (description, rating, hierarchical keywords)', async () => {
    const values = parseSidecar(await readFile(corpusPath('jpeg/xmp/IMG_5910.xmp'), 'utf8'));
    expect(values).toEqual({
      description: 'Squirrel at berkely',
      rating: 3,
      tags: ['Alvin the Squirrel', 'Berkley', 'USA'],
      subjects: ['Alvin the Squirrel', 'Berkley', 'USA'],
      // photoshop:DateCreated is MWG's DateTimeOriginal (the real server took 10:29:26.690 from it).
      dates: { DateTimeOriginal: '2015-06-11T10:29:26.69', DateTimeCreated: '2015-06-11T10:29:26.69', CreateDate: '2015-06-11T10:29:26.69' },
      gps: null,
    });
  });

  it('finds nothing in a Photoshop sidecar without those fields', async () => {
    const values = parseSidecar(await readFile(corpusPath('jpeg/xmp/cookiezen.xmp'), 'utf8'));
    expect(values).toEqual({ description: undefined, rating: undefined, tags: [], subjects: [], dates: {}, gps: null });
  });
});
