/**
 * Worker thread: decodes the primary image of a HEIC/HEIF file with libheif (wasm) and returns it
 * as an uncompressed TIFF (pixels + ICC) that sharp reads like any other file. Runs off the main
 * thread because a 12 MP decode takes ~0.5 s of pure wasm CPU time.
 *
 * Orientation follows libvips: when the primary image has an EXIF Orientation tag, libheif decodes
 * WITHOUT the HEIF transforms (irot/imir/clap), the clean aperture is cropped here, and the EXIF
 * value is returned for the main thread to apply. Why: some Android phones (HMD Nokia 8.3) write an
 * irot that contradicts an upright EXIF 1, while Samsung writes EXIF 6 and no irot; Apple writes
 * both, consistently, so either rule suits it. Without an EXIF tag libheif applies the HEIF
 * transforms and the pixels leave here in display orientation (orientation 1).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { exifBlockOrientation } from './exif-orientation.ts';
import { storedCleanAperture } from './heif-transforms.ts';
import type { HeifTransform } from './heif-transforms.ts';
import { wrapPixelsAsTiff } from './tiff-wrap.ts';
import type { HeicRequest, HeicResponse } from './heic-protocol.ts';
import { lowerThreadPriority } from '../base/background-thread.ts';

lowerThreadPriority();

const require = createRequire(import.meta.url);

// Untyped on purpose: the package's d.ts types embind objects as `{}`; we only use a few calls.
type Libheif = Record<string, any>;

const HEIF_CHANNEL_INTERLEAVED = 10;
const HEIF_COLORSPACE_RGB = 1;
const HEIF_CHROMA_RGB = 10;
const HEIF_CHROMA_RGBA = 11;
/** heif_decoding_options: uint8 version, then uint8 ignore_transformations (unchanged since v1). */
const OPTION_IGNORE_TRANSFORMATIONS = 1;
const PROPERTY_IROT = 0x69726f74; // 'irot'
const PROPERTY_IMIR = 0x696d6972; // 'imir'
const PROPERTY_CLAP = 0x636c6170; // 'clap'
const MAX_TRANSFORMS = 16;
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
        return decodeStill(lh, ctx.$$.ptr, handle, scratch, request.maxPixels, topLevelImages);
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

function decodeStill(lh: Libheif, ctxPtr: number, handle: any, scratch: number, maxPixels: number, topLevelImages: number) {
  const handlePtr: number = handle.$$.ptr;
  const width: number = lh._heif_image_handle_get_width(handlePtr);
  const height: number = lh._heif_image_handle_get_height(handlePtr);
  checkPixels(width, height, maxPixels);
  const hasAlpha = Boolean(lh._heif_image_handle_has_alpha_channel(handlePtr));
  const icc = readHandleIcc(lh, handlePtr, scratch);
  const exifOrientation = readExifOrientation(lh, handlePtr, scratch);
  const ignoreTransforms = exifOrientation !== null;
  const options: number = lh._heif_decoding_options_alloc();
  if (!options) throw new DecodeFailure('heic-decode-failed', 'libheif could not allocate its decoding options.');
  try {
    lh.HEAPU8[options + OPTION_IGNORE_TRANSFORMATIONS] = ignoreTransforms ? 1 : 0;
    lh._heif_decode_image(scratch, handlePtr, scratch + 24, HEIF_COLORSPACE_RGB, hasAlpha ? HEIF_CHROMA_RGBA : HEIF_CHROMA_RGB, options);
  } finally {
    lh._heif_decoding_options_free(options);
  }
  if (lh.HEAP32[scratch >> 2] !== 0) throw failFromHeifError('libheif could not decode the HEIC image', readHeifError(lh, scratch));
  const image: number = lh.HEAPU32[(scratch + 24) >> 2];
  try {
    const plane = readPlane(lh, image, scratch);
    const channels = hasAlpha ? 4 : 3;
    // Decoded without transforms, the pixels are the coded size: keep only the clean aperture.
    const crop = ignoreTransforms
      ? storedCleanAperture(plane.width, plane.height, readTransforms(lh, ctxPtr, lh._heif_image_handle_get_item_id(handlePtr), scratch))
      : { left: 0, top: 0, width: plane.width, height: plane.height };
    const start = crop.top * plane.stride + crop.left * channels;
    const pixels = plane.pixels.subarray(start, start + (crop.height - 1) * plane.stride + crop.width * channels);
    const tiff = wrapPixelsAsTiff({ width: crop.width, height: crop.height, channels, stride: plane.stride, pixels, icc });
    return { ok: true as const, width: crop.width, height: crop.height, orientation: exifOrientation ?? 1, tiff: tiff.buffer, topLevelImages, sequence: false, hasIcc: icc !== null };
  } finally {
    lh._heif_image_release(image);
  }
}

function readPlane(lh: Libheif, image: number, scratch: number): { width: number; height: number; stride: number; pixels: Uint8Array } {
  const width: number = lh._heif_image_get_width(image, HEIF_CHANNEL_INTERLEAVED);
  const height: number = lh._heif_image_get_height(image, HEIF_CHANNEL_INTERLEAVED);
  const plane: number = lh._heif_image_get_plane_readonly2(image, HEIF_CHANNEL_INTERLEAVED, scratch + 32);
  const stride: number = lh.HEAPU32[(scratch + 32) >> 2];
  if (!plane || width <= 0 || height <= 0) throw new DecodeFailure('heic-decode-failed', 'libheif returned no interleaved RGB plane.');
  return { width, height, stride, pixels: lh.HEAPU8.subarray(plane, plane + stride * height) as Uint8Array };
}

/** A heif_error written at `at` by a C call that returns it by value (code, subcode, message*). */
function readHeifError(lh: Libheif, at: number) {
  const messagePtr: number = lh.HEAPU32[(at + 8) >> 2];
  return { code: { value: lh.HEAP32[at >> 2] }, subcode: { value: lh.HEAP32[(at + 4) >> 2] }, message: messagePtr ? readCString(lh, messagePtr) : undefined };
}

function readCString(lh: Libheif, at: number): string {
  let end = at;
  while (lh.HEAPU8[end] !== 0 && end - at < 4096) end++;
  return new TextDecoder().decode(lh.HEAPU8.subarray(at, end));
}

/** The Orientation of the first Exif item linked to the image, or null when it has none. */
function readExifOrientation(lh: Libheif, handlePtr: number, scratch: number): number | null {
  const count: number = lh._heif_image_handle_get_number_of_metadata_blocks(handlePtr, 0);
  if (count <= 0) return null;
  const ids: number = lh._malloc(count * 4);
  try {
    lh._heif_image_handle_get_list_of_metadata_block_IDs(handlePtr, 0, ids, count);
    for (let i = 0; i < count; i++) {
      const id: number = lh.HEAPU32[(ids >> 2) + i];
      if (readCString(lh, lh._heif_image_handle_get_metadata_type(handlePtr, id)) !== 'Exif') continue;
      const size: number = lh._heif_image_handle_get_metadata_size(handlePtr, id);
      if (size <= 0 || size > 16 * 1024 * 1024) return null;
      const buf: number = lh._malloc(size);
      try {
        lh._heif_image_handle_get_metadata(scratch, handlePtr, id, buf);
        // An unreadable Exif item counts as no tag: libheif's transforms are the HEIF default.
        return lh.HEAP32[scratch >> 2] === 0 ? exifBlockOrientation(lh.HEAPU8.subarray(buf, buf + size)) : null;
      } finally {
        lh._free(buf);
      }
    }
    return null;
  } finally {
    lh._free(ids);
  }
}

/** The item's clap/irot/imir properties in file order (the order they must be applied in). */
function readTransforms(lh: Libheif, ctxPtr: number, itemId: number, scratch: number): HeifTransform[] {
  const list: number = lh._malloc(MAX_TRANSFORMS * 4);
  try {
    const count: number = lh._heif_item_get_transformation_properties(ctxPtr, itemId, list, MAX_TRANSFORMS);
    const out: HeifTransform[] = [];
    for (let i = 0; i < count; i++) {
      const property: number = lh.HEAPU32[(list >> 2) + i];
      const type: number = lh._heif_item_get_property_type(ctxPtr, itemId, property) >>> 0;
      if (type === PROPERTY_IROT) {
        out.push({ kind: 'irot', ccw: lh._heif_item_get_property_transform_rotation_ccw(ctxPtr, itemId, property) });
      } else if (type === PROPERTY_IMIR) {
        const direction: number = lh._heif_item_get_property_transform_mirror(ctxPtr, itemId, property);
        if (direction === 0 || direction === 1) out.push({ kind: 'imir', direction: direction === 0 ? 'vertical' : 'horizontal' });
      } else if (type === PROPERTY_CLAP) {
        out.push({
          kind: 'clap',
          borders: (width, height) => {
            lh._heif_item_get_property_transform_crop_borders(ctxPtr, itemId, property, width, height, scratch, scratch + 4, scratch + 8, scratch + 12);
            const at = scratch >> 2;
            return { left: lh.HEAP32[at], top: lh.HEAP32[at + 1], right: lh.HEAP32[at + 2], bottom: lh.HEAP32[at + 3] };
          },
        });
      }
    }
    return out;
  } finally {
    lh._free(list);
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
      const { width, height, stride, pixels } = readPlane(lh, image, scratch);
      const tiff = wrapPixelsAsTiff({ width, height, channels: 3, stride, pixels, icc: null });
      return { ok: true as const, width, height, orientation: 1, tiff: tiff.buffer, topLevelImages: 1, sequence: true, hasIcc: false };
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
