/** Messages between the engine and its hashing worker. */
export type HashRequest = { id: number; path: string; sha1: boolean };

export type HashResponse =
  | { id: number; ok: true; sha256: string; sha1: string | null; size: number }
  | { id: number; ok: false; code: string | null; message: string };
