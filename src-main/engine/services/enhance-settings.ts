import { z } from 'zod';
import { EnhanceMode, type EnhanceSettings } from '../../contract/index.ts';
import type { Library } from '../library/index.ts';

/** Library settings: what happens to auto-enhance proposals, and from which confidence "apply" applies. */
export const ENHANCE_MODE_SETTING = 'enhance.mode';
export const ENHANCE_THRESHOLD_SETTING = 'enhance.threshold';

/** Proposals wait for review by default: the photographer sees what the AI did before it is final. */
const DEFAULTS: EnhanceSettings = { mode: 'propose', threshold: 0.8 };

/** The library's choices as stored; a value that no longer parses reads as the default. */
export function readEnhanceSettings(library: Library): EnhanceSettings {
  return {
    mode: EnhanceMode.catch(DEFAULTS.mode).parse(library.settings.get(ENHANCE_MODE_SETTING) ?? DEFAULTS.mode),
    threshold: z.number().min(0).max(1).catch(DEFAULTS.threshold).parse(library.settings.get(ENHANCE_THRESHOLD_SETTING) ?? DEFAULTS.threshold),
  };
}

/** Applies to proposals made from now on; steps already proposed keep their review state. */
export function writeEnhanceSettings(library: Library, update: Partial<EnhanceSettings>): EnhanceSettings {
  if (update.mode !== undefined) library.settings.set(ENHANCE_MODE_SETTING, update.mode);
  if (update.threshold !== undefined) library.settings.set(ENHANCE_THRESHOLD_SETTING, update.threshold);
  return readEnhanceSettings(library);
}

/**
 * The policy for one photo, read when its proposals are made: its hot folder's own mode, or the
 * library's (a photo from no folder, or from a folder that follows the library).
 */
export function enhancePolicy(library: Library, photoId: number): EnhanceSettings {
  const folderId = library.photos.get(photoId)?.folderId ?? null;
  const folder = folderId === null ? null : library.folders.get(folderId);
  if (!folder || folder.enhance === 'library') return readEnhanceSettings(library);
  return { mode: folder.enhance, threshold: folder.enhanceThreshold };
}
