import { FileSecretStore, type SecretStore } from './api-key-store.ts';

/** Turns a secret into text that is useless without the OS key (Electron's safeStorage) and back. */
export type Sealer = { seal(plain: string): string; unseal(sealed: string): string };

/**
 * API keys sealed by the operating system's keychain (Electron's safeStorage: Keychain, DPAPI,
 * libsecret) before they reach the 0600 file, so a copied file or backup does not leak them. The
 * file store does the atomic, serialised writing.
 */
export class SealedSecretStore implements SecretStore {
  readonly #file: FileSecretStore;
  readonly #sealer: Sealer;

  constructor(file: string, sealer: Sealer, options: { onWarning?: (message: string) => void } = {}) {
    this.#file = new FileSecretStore(file, options);
    this.#sealer = sealer;
  }

  async get(server: string): Promise<string | null> {
    const sealed = await this.#file.get(server);
    return sealed === null ? null : this.#sealer.unseal(sealed);
  }

  set(server: string, key: string): Promise<void> {
    if (!key.trim()) return Promise.reject(new Error('an empty API key cannot be stored'));
    return this.#file.set(server, this.#sealer.seal(key.trim()));
  }

  delete(server: string): Promise<void> {
    return this.#file.delete(server);
  }

  toJSON() {
    return { sealed: true, keys: '[redacted]' };
  }
}
