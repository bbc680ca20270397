/**
 * Worker thread: decodes the primary image of a HEIC/HEIF file with libheif (wasm) and returns it
 * as an uncompressed TIFF (pixels + ICC) that sharp reads like any other file. Runs off the main
 * thread because a 12 MP decode takes ~0.5 s of pure wasm CPU time.
 *
 * libheif applies the HEIF transforms (irot/imir/clap) while decoding, so the pixels leave here in
 * display orientation and nobody may rotate them again.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { wrapPixelsAsTiff } from './tiff-wrap.ts';
import type { HeicRequest, HeicResponse } from './heic-protocol.ts';

const require = createRequire(import.meta.url);

// Untyped on purpose: the package's d.ts types embind objects as `{}`; we only use a few calls.
type Libheif = Record<string, any>;

const HEIF_CHANNEL_INTERLEAVED = 10;
const HEIF_COLORSPACE_RGB = 1;
const HEIF_CHROMA_RGB = 10;
const HEIF_SUBERROR_END_OF_DATA = 100;
const PROFILE_PROF = 0x70726f66; // 'prof'
const PROFILE_RICC = 0x72494343; // 'rICC'

let libheifPromise: Promise<Libheif> | null = null;

function loadLibheif(): Promise<Libheif> {
  libheifPromise ??= (async () => {
    const factory = require('libheif-js/libheif-wasm/libheif.js') as (opts: { wasmBinary: Buffer }) => Promise<Libheif>;
    const wasmBinary = await readFile(require.resolve('libheif-js/libheif-wasm/libheif.wasm'));
    return factory({ wasmBinary });
  })();
  return libheifPromise;
}

class DecodeFailure extends Error {
  readonly code: 'heic-decode-failed' | 'too-many-pixels' | 'truncated';
  constructor(code: DecodeFailure['code'], message: string) {
    super(message);
    this.code = code;
  }
}

function failFromHeifError(what: string, err: { code?: { value: number }; subcode?: { value: number }; message?: string }): DecodeFailure {
  if (err.subcode?.value === HEIF_SUBERROR_END_OF_DATA) {
    return new DecodeFailure('truncated', `The HEIC file ends too early: the file was cut off (incomplete copy?). libheif: ${err.message ?? 'end of data'}.`);
  }
  return new DecodeFailure('heic-decode-failed', `${what}: ${err.message ?? 'unknown libheif error'}.`);
}

function checkPixels(width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new DecodeFailure('too-many-pixels', `The HEIC image is ${width.toLocaleString('en-US')} × ${height.toLocaleString('en-US')} pixels (${((width * height) / 1e6).toFixed(0)} MP), more than the ${(maxPixels / 1e6).toFixed(0)} MP Lightbox decodes; it was not opened to protect memory.`);
  }
}

async function decode(request: HeicRequest): Promise<Omit<Extract<HeicResponse, { ok: true }>, 'id'>> {
  const lh = await loadLibheif();
  const bytes = await readFile(request.filePath);
  const ctx = lh.heif_context_alloc();
  const scratch: number = lh._malloc(64);
  try {
    const readErr = lh.heif_context_read_from_memory(ctx, bytes);
    if (readErr.code.value !== 0) throw failFromHeifError('libheif could not parse the HEIF container', readErr);
    const topLevel = lh.heif_js_context_get_list_of_top_level_image_IDs(ctx);
    const topLevelImages = Array.isArray(topLevel) ? topLevel.length : 0;
    const handle = lh.heif_js_context_get_primary_image_handle(ctx);
    if (handle && !handle.code && handle.$$) {
      try {
        return decodeStill(lh, handle, scratch, request.maxPixels, topLevelImages);
      } finally {
        lh.heif_image_handle_release(handle);
      }
    }
    // Image sequences (msf1) have no primary item: take the first frame of the first track.
    if (lh._heif_context_has_sequence(ctx.$$.ptr)) return decodeFirstFrame(lh, ctx.$$.ptr, scratch, request.maxPixels);
    throw failFromHeifError('The HEIF file has no primary image', handle ?? {});
  } finally {
    lh._free(scratch);
    lh.heif_context_free(ctx);
  }
}

function decodeStill(lh: Libheif, handle: any, scratch: number, maxPixels: number, topLevelImages: number) {
  const width: number = lh.heif_image_handle_get_width(handle);
  const height: number = lh.heif_image_handle_get_height(handle);
  checkPixels(width, height, maxPixels);
  const hasAlpha = Boolean(lh.heif_image_handle_has_alpha_channel(handle));
  const handlePtr: number = handle.$$.ptr;
  const icc = readHandleIcc(lh, handlePtr, scratch);
  const image = lh.heif_js_decode_image2(handle, lh.heif_colorspace.heif_colorspace_RGB, hasAlpha ? lh.heif_chroma.heif_chroma_interleaved_RGBA : lh.heif_chroma.heif_chroma_interleaved_RGB);
  if (!image || image.code) throw failFromHeifError('libheif could not decode the HEIC image', image ?? {});
  try {
    const plane = (image.channels as Array<{ id: { value: number }; width: number; height: number; stride: number; data: Uint8Array }>)
      .find((c) => c.id.value === HEIF_CHANNEL_INTERLEAVED);
    if (!plane) throw new DecodeFailure('heic-decode-failed', 'libheif returned no interleaved RGB plane.');
    const tiff = wrapPixelsAsTiff({ width: plane.width, height: plane.height, channels: hasAlpha ? 4 : 3, stride: plane.stride, pixels: plane.data, icc });
    return { ok: true as const, width: plane.width, height: plane.height, tiff: tiff.buffer, topLevelImages, sequence: false, hasIcc: icc !== null };
  } finally {
    lh.heif_image_release(image.image);
  }
}

function readHandleIcc(lh: Libheif, handlePtr: number, scratch: number): Uint8Array | null {
  const type: number = lh._heif_image_handle_get_color_profile_type(handlePtr);
  if (type !== PROFILE_PROF && type !== PROFILE_RICC) return null; // nclx: sRGB-like signalling, no ICC
  const size: number = lh._heif_image_handle_get_raw_color_profile_size(handlePtr);
  if (size <= 0) return null;
  const buf: number = lh._malloc(size);
  try {
    lh._heif_image_handle_get_raw_color_profile(scratch, handlePtr, buf);
    if (lh.HEAP32[scratch >> 2] !== 0) return null;
    return new Uint8Array(lh.HEAPU8.subarray(buf, buf + size));
  } finally {
    lh._free(buf);
  }
}

/** The embind layer has no sequence API, so this uses the C functions on raw wasm pointers. */
function decodeFirstFrame(lh: Libheif, ctxPtr: number, scratch: number, maxPixels: number) {
  const track: number = lh._heif_context_get_track(ctxPtr, 0);
  if (!track) throw new DecodeFailure('heic-decode-failed', 'The HEIF image sequence has no visual track libheif can read.');
  try {
    lh._heif_track_get_image_resolution(scratch, track, scratch + 16, scratch + 20);
    if (lh.HEAP32[scratch >> 2] === 0) checkPixels(lh.HEAPU16[(scratch + 16) >> 1], lh.HEAPU16[(scratch + 20) >> 1], maxPixels);
    lh._heif_track_decode_next_image(scratch, track, scratch + 24, HEIF_COLORSPACE_RGB, HEIF_CHROMA_RGB, 0);
    if (lh.HEAP32[scratch >> 2] !== 0) {
      throw new DecodeFailure('heic-decode-failed', `libheif could not decode the first frame of the HEIF image sequence (error ${lh.HEAP32[scratch >> 2]}.${lh.HEAP32[(scratch + 4) >> 2]}).`);
    }
    const image: number = lh.HEAPU32[(scratch + 24) >> 2];
    try {
      const width: number = lh._heif_image_get_width(image, HEIF_CHANNEL_INTERLEAVED);
      const height: number = lh._heif_image_get_height(image, HEIF_CHANNEL_INTERLEAVED);
      const plane: number = lh._heif_image_get_plane_readonly2(image, HEIF_CHANNEL_INTERLEAVED, scratch + 32);
      const stride: number = lh.HEAPU32[(scratch + 32) >> 2];
      if (!plane || width <= 0 || height <= 0) throw new DecodeFailure('heic-decode-failed', 'libheif returned an empty first frame for the HEIF image sequence.');
      const pixels = lh.HEAPU8.subarray(plane, plane + stride * height) as Uint8Array;
      const tiff = wrapPixelsAsTiff({ width, height, channels: 3, stride, pixels, icc: null });
      return { ok: true as const, width, height, tiff: tiff.buffer, topLevelImages: 1, sequence: true, hasIcc: false };
    } finally {
      lh._heif_image_release(image);
    }
  } finally {
    lh._heif_track_release(track);
  }
}

parentPort?.on('message', (request: HeicRequest) => {
  decode(request).then(
    (result) => parentPort?.postMessage({ ...result, id: request.id } satisfies HeicResponse, [result.tiff]),
    (error: unknown) => {
      const failure = error instanceof DecodeFailure ? error : new DecodeFailure('heic-decode-failed', `libheif failed: ${(error as Error)?.message ?? String(error)}.`);
      parentPort?.postMessage({ id: request.id, ok: false, code: failure.code, message: failure.message } satisfies HeicResponse);
    },
  );
});
