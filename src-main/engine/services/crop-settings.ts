import { z } from 'zod';
import { CropAspect, type CropSettings } from '../../contract/index.ts';
import type { Library } from '../library/index.ts';

/** Library settings: which aspect's best AI proposal becomes the recipe's crop. */
export const CROP_ASPECT_SETTING = 'crop.aspect';
/** Library setting: the confidence (0..1) from which an AI crop needs no review; null = always review. */
export const CROP_AUTO_APPROVE_SETTING = 'crop.autoApprove';

/** The library's crop choices as stored; a value that no longer parses reads as the default. */
export function readCropSettings(library: Library): CropSettings {
  return {
    aspect: CropAspect.catch('original').parse(library.settings.get(CROP_ASPECT_SETTING) ?? 'original'),
    autoApprove: z.number().min(0).max(1).nullable().catch(null).parse(library.settings.get(CROP_AUTO_APPROVE_SETTING) ?? null),
  };
}

/** Applies to proposals made from now on; crops already proposed keep their review state. */
export function writeCropSettings(library: Library, update: Partial<CropSettings>): CropSettings {
  if (update.aspect !== undefined) library.settings.set(CROP_ASPECT_SETTING, update.aspect);
  if (update.autoApprove !== undefined) library.settings.set(CROP_AUTO_APPROVE_SETTING, update.autoApprove);
  return readCropSettings(library);
}
