import type { CallOptions, ImmichClient } from './immich-client.ts';

/**
 * Album ids by name per server, so each pair does not list every album. Lookups in flight are
 * shared: ten pairs finishing at once for a new album create it once, not ten times.
 */
export class AlbumCache {
  readonly #ids = new Map<string, Promise<string>>();

  idFor(client: ImmichClient, albumName: string, run: <T>(fn: () => Promise<T>) => Promise<T>, call: CallOptions = {}): Promise<string> {
    const key = `${client.baseUrl}\n${albumName}`;
    let id = this.#ids.get(key);
    if (!id) {
      id = (async () => {
        const albums = await run(() => client.getAllAlbums(call));
        // Immich allows several albums with one name; the oldest is the stable choice.
        const existing = albums.filter((a) => a.albumName === albumName).sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
        if (existing) return existing.id;
        return (await run(() => client.createAlbum(albumName, call))).id;
      })();
      this.#ids.set(key, id);
      // A failed lookup must not stick.
      id.catch(() => this.#ids.delete(key));
    }
    return id;
  }

  /** After the album was deleted on the server. */
  forget(client: ImmichClient, albumName: string): void {
    this.#ids.delete(`${client.baseUrl}\n${albumName}`);
  }
}

export const defaultAlbumCache = new AlbumCache();
