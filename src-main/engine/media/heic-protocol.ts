/** Messages between heic-decoder.ts (main thread) and heic-worker.ts. */
export type HeicRequest = { id: number; filePath: string; maxPixels: number };

export type HeicResponse =
  | {
      id: number;
      ok: true;
      width: number;
      height: number;
      /**
       * EXIF orientation (1–8) still to apply to the TIFF's pixels: the file's EXIF tag when it has
       * one (libheif then skipped irot/imir), else 1 (libheif applied the HEIF transforms).
       */
      orientation: number;
      /** Uncompressed TIFF with the ICC profile embedded (see tiff-wrap.ts); transferred, not copied. */
      tiff: ArrayBuffer;
      topLevelImages: number;
      /** True when the file was an image sequence and this is its first frame. */
      sequence: boolean;
      hasIcc: boolean;
    }
  | { id: number; ok: false; code: 'heic-decode-failed' | 'too-many-pixels' | 'truncated'; message: string };
