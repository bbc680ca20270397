import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { formBoundary, MultipartError, MultipartParser, multipartWriter, type PartHeaders } from './multipart.ts';

type Parsed = Array<PartHeaders & { body: Buffer }>;

/** A body the platform's own encoder (undici's FormData) wrote: an independent author of the format. */
async function encode(form: FormData): Promise<{ body: Buffer; boundary: string }> {
  const response = new Response(form);
  const boundary = formBoundary(response.headers.get('content-type') ?? undefined);
  if (!boundary) throw new Error('no boundary');
  return { body: Buffer.from(await response.arrayBuffer()), boundary };
}

function parseInChunks(body: Buffer, boundary: string, sizes: (i: number) => number): Parsed {
  const parser = new MultipartParser(boundary);
  const parts: Parsed = [];
  let current: Buffer[] = [];
  for (let at = 0, i = 0; at < body.length; i++) {
    const size = Math.max(1, sizes(i));
    for (const event of parser.feed(body.subarray(at, at + size))) {
      if (event.type === 'part') {
        parts.push({ ...event.headers, body: Buffer.alloc(0) });
        current = [];
      } else if (event.type === 'data') current.push(Buffer.from(event.bytes));
      else if (event.type === 'end-part') parts.at(-1)!.body = Buffer.concat(current);
    }
    at += size;
  }
  parser.finish();
  return parts;
}

describe('formBoundary', () => {
  it('reads the boundary of multipart/form-data, quoted or not, and nothing else', () => {
    expect(formBoundary('multipart/form-data; boundary=----abc123')).toBe('----abc123');
    expect(formBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(formBoundary('multipart/mixed; boundary=x')).toBeNull();
    expect(formBoundary('application/json')).toBeNull();
    expect(formBoundary('multipart/form-data')).toBeNull();
    expect(formBoundary(undefined)).toBeNull();
  });
});

describe('MultipartParser', () => {
  it('parses what FormData encodes, byte for byte, however the body is cut into chunks', async () => {
    // Binary content that contains CR, LF and dashes, and the boundary's own prefix.
    const photo = Buffer.concat([randomBytes(70_000), Buffer.from('\r\n--\r\n-'), randomBytes(5000)]);
    const form = new FormData();
    form.append('preset', 'Warm look');
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'IMG "0001" été.jpg');
    form.append('recipe', '{"steps":[]}\r\n');
    const { body, boundary } = await encode(form);
    const expected = [
      { name: 'preset', filename: null, contentType: null, body: Buffer.from('Warm look') },
      { name: 'file', filename: 'IMG "0001" été.jpg', contentType: 'image/jpeg', body: photo },
      { name: 'recipe', filename: null, contentType: null, body: Buffer.from('{"steps":[]}\r\n') },
    ];
    for (const sizes of [() => body.length, () => 1, () => 7, (i: number) => (i * 7919) % 4096, () => boundary.length + 3]) {
      const parts = parseInChunks(body, boundary, sizes);
      expect(parts.map((p) => ({ ...p, body: p.body.toString('base64') }))).toEqual(expected.map((p) => ({ ...p, body: p.body.toString('base64') })));
    }
  });

  it('ignores the preamble, transport padding and the epilogue; keeps a body that looks like a boundary', () => {
    const body = Buffer.from(
      'This is a preamble.\r\n--XyZ  \r\nContent-Disposition: form-data; name="a"\r\n\r\nline\r\n--XyYnot-the-end\r\n--XyZ\r\n' +
        'Content-Disposition: form-data; name="b"; filename*=UTF-8\'\'%C3%A9t%C3%A9.jpg; filename="fallback.jpg"\r\nContent-Type: image/png\r\n\r\n\r\n--XyZ--\r\nepilogue --XyZ',
    );
    const parts = parseInChunks(body, 'XyZ', () => 3);
    expect(parts).toEqual([
      { name: 'a', filename: null, contentType: null, body: Buffer.from('line\r\n--XyYnot-the-end') },
      { name: 'b', filename: 'été.jpg', contentType: 'image/png', body: Buffer.alloc(0) },
    ]);
  });

  it('reads backslash-escaped quotes in a name, and leaves a Windows path alone', () => {
    const body = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="file"; filename="say \\"hi\\".jpg"\r\n\r\n1\r\n' +
        '--b\r\nContent-Disposition: form-data; name="file2"; filename="C:\\fakepath\\IMG 1.jpg"\r\n\r\n2\r\n--b--',
    );
    expect(parseInChunks(body, 'b', () => 5).map((p) => p.filename)).toEqual(['say "hi".jpg', 'C:\\fakepath\\IMG 1.jpg']);
  });

  it('refuses a cut-off body, a part without form-data disposition, too many parts and endless headers', () => {
    const cut = new MultipartParser('b');
    cut.feed(Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nhalf a pho'));
    expect(() => cut.finish()).toThrow(/cut off/);

    expect(() => new MultipartParser('b').feed(Buffer.from('--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--'))).toThrow(MultipartError);
    expect(() => new MultipartParser('b').feed(Buffer.from('--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--'))).toThrow(/no field name/);
    expect(() => new MultipartParser('b').feed(Buffer.from('--b\r\nnot a header\r\n\r\nx\r\n--b--'))).toThrow(/malformed/);

    const many = Buffer.from(`${'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n'.repeat(3)}--b--`);
    expect(() => new MultipartParser('b', { maxParts: 2 }).feed(many)).toThrow(/more than 2 parts/);
    expect(() => new MultipartParser('b').feed(Buffer.from(`--b\r\nX-Long: ${'a'.repeat(10_000)}`))).toThrow(/longer than/);
  });
});

describe('multipartWriter', () => {
  it('hands each part to its sink in order and waits for a slow sink (backpressure)', async () => {
    const photo = randomBytes(300_000);
    const form = new FormData();
    form.append('file', new Blob([photo]), 'a.jpg');
    form.append('preset', 'p');
    const { body, boundary } = await encode(form);
    const seen: string[] = [];
    const received: Buffer[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const writer = multipartWriter(boundary, (headers) => {
      seen.push(`start ${headers.name}`);
      return {
        data: async (chunk) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (headers.name === 'file') received.push(Buffer.from(chunk));
          inFlight--;
        },
        end: () => void seen.push(`end ${headers.name}`),
      };
    });
    const chunks = Array.from({ length: Math.ceil(body.length / 16_384) }, (_, i) => body.subarray(i * 16_384, (i + 1) * 16_384));
    await pipeline(Readable.from(chunks), writer);
    expect(seen).toEqual(['start file', 'end file', 'start preset', 'end preset']);
    expect(Buffer.concat(received).equals(photo)).toBe(true);
    expect(maxInFlight).toBe(1);
  });

  it('fails the pipeline when the body ends without its closing boundary', async () => {
    const writer = multipartWriter('b', () => ({ data: () => {}, end: () => {} }));
    await expect(pipeline(Readable.from([Buffer.from('--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nabc')]), writer)).rejects.toThrow(/cut off/);
  });
});
