import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inspect } from 'node:util';
import { normalizeBaseUrl } from './immich-client.ts';

/** Where API keys live. Electron can pass a safeStorage-backed implementation instead. */
export interface SecretStore {
  get(server: string): Promise<string | null>;
  set(server: string, key: string): Promise<void>;
  delete(server: string): Promise<void>;
}

type KeyFile = { version: 1; keys: Record<string, string> };

const serverKey = (server: string) => normalizeBaseUrl(server).toLowerCase();

/**
 * Headless storage: a JSON file only its owner can read (0600). A file found with looser
 * permissions is tightened on read (and the fix reported through `onWarning`). On Windows the mode
 * bits mean little; the file then relies on the user profile's ACL.
 */
export class FileSecretStore implements SecretStore {
  readonly #file: string;
  readonly #onWarning: (message: string) => void;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(file: string, options: { onWarning?: (message: string) => void } = {}) {
    this.#file = file;
    this.#onWarning = options.onWarning ?? (() => {});
  }

  async get(server: string): Promise<string | null> {
    return (await this.#read()).keys[serverKey(server)] ?? null;
  }

  set(server: string, key: string): Promise<void> {
    if (!key.trim()) return Promise.reject(new Error('an empty API key cannot be stored'));
    return this.#update((keys) => void (keys[serverKey(server)] = key.trim()));
  }

  delete(server: string): Promise<void> {
    return this.#update((keys) => void delete keys[serverKey(server)]);
  }

  async #read(): Promise<KeyFile> {
    let text: string;
    try {
      const info = await stat(this.#file);
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
        await chmod(this.#file, 0o600);
        this.#onWarning(`${this.#file} was readable by others (mode ${(info.mode & 0o777).toString(8)}); set it to 600`);
      }
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, keys: {} };
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<KeyFile>;
    return { version: 1, keys: { ...(parsed.keys ?? {}) } };
  }

  // Writes are serialised and atomic (temp file + rename), created 0600 from the start so the
  // key is never on disk with wider permissions, not even briefly.
  #update(change: (keys: Record<string, string>) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const data = await this.#read();
      change(data.keys);
      await mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
      const tmp = `${this.#file}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, this.#file);
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  toJSON() {
    return { file: this.#file, keys: '[redacted]' };
  }
  [inspect.custom]() {
    return `FileSecretStore { file: '${this.#file}', keys: [redacted] }`;
  }
}
