/** Shared by the double's own tests: real corpus files and the SDK calls an uploader makes. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deleteAssets, init, isHttpError, uploadAsset, type AssetMediaCreateDto } from '@immich/sdk';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { corpusPath } from '../../test-support/corpus.ts';
import { startImmichDouble, type ImmichDouble } from './index.ts';

export const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest();

export async function corpusFile(rel: string, name = path.basename(rel)): Promise<{ file: File; bytes: Buffer }> {
  const bytes = await readFile(corpusPath(rel));
  return { file: new File([bytes], name, { type: 'image/jpeg' }), bytes };
}

/**
 * One double for a describe block, handed to `use` once it listens. Each test starts from no faults
 * and an empty library: what the previous test uploaded is deleted for good through the SDK.
 */
export function doublePerDescribe(use: (double: ImmichDouble) => void): void {
  let double: ImmichDouble | undefined;
  beforeAll(async () => {
    double = await startImmichDouble();
    use(double);
  });
  afterEach(async () => {
    if (!double) return;
    await double.faults.reset();
    init({ baseUrl: double.url, apiKey: double.apiKey });
    const ids = double.state.assets.map((a) => a.id);
    if (ids.length) await deleteAssets({ assetBulkDeleteDto: { ids, force: true } });
  });
  afterAll(() => double?.close());
}

export const dates = { fileCreatedAt: '2021-06-01T10:00:00.000Z', fileModifiedAt: '2021-06-02T11:00:00.000Z' };

export function upload(assetData: Blob, extra: Partial<AssetMediaCreateDto> = {}, xImmichChecksum?: string) {
  return uploadAsset({ assetMediaCreateDto: { assetData, ...dates, ...extra }, ...(xImmichChecksum ? { xImmichChecksum } : {}) });
}

/** The HttpError a call failed with (status, parsed JSON body, headers), or a test failure. */
export async function httpErrorOf(call: Promise<unknown>): Promise<{ status: number; data: { message?: unknown; errors?: unknown }; headers: Headers }> {
  try {
    await call;
  } catch (error) {
    if (isHttpError(error)) {
      // fetchText-based SDK calls (DELETE, bulk PUT) leave the body as text.
      const raw: unknown = error.data;
      const data = typeof raw === 'string' && raw.startsWith('{') ? (JSON.parse(raw) as unknown) : raw;
      return { status: error.status, data: data as { message?: unknown }, headers: (error as unknown as { headers: Headers }).headers };
    }
    throw error;
  }
  throw new Error('expected the call to fail with an HTTP error');
}

/** The low-level error a call failed with (network errors are TypeError with a `cause`). */
export async function errorOf(call: Promise<unknown>): Promise<Error & { cause?: { code?: string } }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { cause?: { code?: string } };
  }
  throw new Error('expected the call to fail');
}

export function xmpSidecar(fields: { description?: string; rating?: number; subjects?: string[]; hierarchical?: string[] }): string {
  const bag = (tag: string, items: string[] | undefined) =>
    items ? `<${tag}><rdf:Bag>${items.map((i) => `<rdf:li>${i}</rdf:li>`).join('')}</rdf:Bag></${tag}>` : '';
  return `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:lr="http://ns.adobe.com/lightroom/1.0/"${fields.rating !== undefined ? ` xmp:Rating="${fields.rating}"` : ''}>
${fields.description !== undefined ? `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${fields.description}</rdf:li></rdf:Alt></dc:description>` : ''}
${bag('dc:subject', fields.subjects)}${bag('lr:hierarchicalSubject', fields.hierarchical)}
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
}
