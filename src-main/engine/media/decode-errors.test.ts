import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, hasCorpus } from '../../../test-support/corpus.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { classifyDecodeError } from './decode-errors.ts';

/**
 * libvips keeps one error buffer for the whole process, so a failing decode can come back with the
 * wording of another file failing at the same moment. The code must follow the file's bytes.
 */
describe.skipIf(!hasCorpus)('classifyDecodeError', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => (dir = await tempDir()));
  afterAll(async () => dir.cleanup());

  const classify = async (corpusFile: string, message: string, format: 'jpeg' | 'png' | 'gif') => {
    const filePath = path.join(dir.path, path.basename(corpusFile));
    await copyFile(corpusPath(corpusFile), filePath);
    return classifyDecodeError(new Error(message), { format, bytes: 10_000, name: path.basename(filePath), filePath });
  };

  it('calls a JPEG cut mid-scan truncated even when the message speaks of something else', async () => {
    const error = await classify('bad/truncated-10000B.jpg', 'VipsJpeg: Unsupported marker type 0x3c', 'jpeg');
    expect(error.code).toBe('truncated');
    expect(error.message).toMatch(/ends after 10,000 bytes/);
  });

  it('calls a JPEG without any frame header corrupt, whatever the message', async () => {
    expect((await classify('bad/corrupt-header.jpg', 'VipsJpeg: premature end of JPEG image', 'jpeg')).code).toBe('corrupt-image');
  });

  it('calls a GIF without its trailer truncated under a foreign message', async () => {
    expect((await classify('bad/truncated.gif', 'gifload: something odd', 'gif')).code).toBe('truncated');
  });

  it('keeps a complete file with an undecodable body as corrupt, not truncated', async () => {
    expect((await classify('jpeg/camera/Nikon_D70.jpg', 'VipsJpeg: Bogus Huffman table definition', 'jpeg')).code).toBe('corrupt-image');
  });
});
