import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { SealedSecretStore, type Sealer } from './sealed-secret-store.ts';

/** Stands in for the OS keychain: AES-256-GCM with a key only this process holds. */
function testSealer(): Sealer {
  const key = randomBytes(32);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    unseal(sealed) {
      const raw = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

describe('SealedSecretStore', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => (dir = await tempDir()));
  afterEach(async () => dir.cleanup());

  it('keeps only sealed text on disk and gives the key back', async () => {
    const file = path.join(dir.path, 'keys.json');
    const store = new SealedSecretStore(file, testSealer());
    await store.set('http://photos.local:2283/api', 'secret-api-key-123');
    expect(await store.get('http://photos.local:2283/api')).toBe('secret-api-key-123');
    expect(await readFile(file, 'utf8')).not.toContain('secret-api-key-123');
    await store.delete('http://photos.local:2283/api');
    expect(await store.get('http://photos.local:2283/api')).toBeNull();
  });

  it('cannot be read with another machine’s key', async () => {
    const file = path.join(dir.path, 'keys.json');
    await new SealedSecretStore(file, testSealer()).set('http://a', 'k');
    await expect(new SealedSecretStore(file, testSealer()).get('http://a')).rejects.toThrow();
  });
});
