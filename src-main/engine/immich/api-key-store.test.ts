import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { FileSecretStore } from './api-key-store.ts';
import { createImmichClient } from './immich-client.ts';

const KEY = 'sekrit-0123456789abcdef';

describe.skipIf(process.platform === 'win32')('FileSecretStore', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  beforeEach(async () => {
    dir = await tempDir('lightbox-keys-');
  });
  afterEach(() => dir.cleanup());

  it('stores keys per server in a 0600 file and reads them back; URLs are normalised', async () => {
    const file = path.join(dir.path, 'conf', 'immich-keys.json');
    const store = new FileSecretStore(file);
    expect(await store.get('https://photos.example.com')).toBeNull();
    await store.set('https://photos.example.com/', KEY);
    await store.set('http://nas.local:2283/api', 'other');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await new FileSecretStore(file).get('https://Photos.example.com/api')).toBe(KEY);
    await store.delete('https://photos.example.com');
    expect(await store.get('https://photos.example.com')).toBeNull();
    expect(await store.get('http://nas.local:2283')).toBe('other');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, keys: { 'http://nas.local:2283/api': 'other' } });
  });

  it('tightens a file left readable by others, and says so', async () => {
    const file = path.join(dir.path, 'keys.json');
    await writeFile(file, JSON.stringify({ version: 1, keys: { 'https://a.example/api': KEY } }));
    await chmod(file, 0o644);
    const warnings: string[] = [];
    expect(await new FileSecretStore(file, { onWarning: (m) => warnings.push(m) }).get('https://a.example')).toBe(KEY);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('644');
  });

  it('never shows the key when logged or serialised (store and client)', async () => {
    const store = new FileSecretStore(path.join(dir.path, 'k.json'));
    await store.set('https://a.example', KEY);
    const client = createImmichClient({ baseUrl: 'https://a.example', apiKey: KEY });
    for (const thing of [store, client]) {
      expect(inspect(thing)).not.toContain(KEY);
      expect(JSON.stringify(thing)).not.toContain(KEY);
      expect(inspect(thing)).toContain('redacted');
    }
    expect(client.baseUrl).toBe('https://a.example/api');
  });
});
