import { ExportDefaults, type ExportDefaultsUpdate, type ExportMetadata, type Photo } from '../../contract/index.ts';
import type { Library } from '../library/index.ts';
import type { ExportSettings } from '../render/render-to-library.ts';

/** Library setting: creator and copyright written into renders of originals that name none. */
export const EXPORT_DEFAULTS_SETTING = 'export.defaults';

const NONE: ExportDefaults = { creator: null, copyright: null };

/** As stored; a value that no longer parses reads as "none". Blank text counts as none. */
export function readExportDefaults(library: Library): ExportDefaults {
  return ExportDefaults.catch(NONE).parse(library.settings.get(EXPORT_DEFAULTS_SETTING) ?? NONE);
}

/** Applies to renders made from now on (files already written keep what they say). */
export function writeExportDefaults(library: Library, update: ExportDefaultsUpdate): ExportDefaults {
  const blankIsNone = (v: string | null | undefined) => (v === undefined ? undefined : v && v.trim() ? v.trim() : null);
  const current = readExportDefaults(library);
  const next = ExportDefaults.parse({
    creator: blankIsNone(update.creator) === undefined ? current.creator : blankIsNone(update.creator),
    copyright: blankIsNone(update.copyright) === undefined ? current.copyright : blankIsNone(update.copyright),
  });
  library.settings.set(EXPORT_DEFAULTS_SETTING, next);
  return next;
}

/** What one photo's renders keep: its folder's choice, this run's `--metadata`, the library's defaults. */
export function exportSettingsFor(library: Library, photo: Pick<Photo, 'folderId'>, override: ExportMetadata | null): ExportSettings {
  const folder = photo.folderId === null ? null : library.folders.get(photo.folderId);
  return { folderChoice: folder?.exportMetadata ?? null, override, defaults: readExportDefaults(library) };
}
