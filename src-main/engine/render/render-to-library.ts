import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ExportDefaults, ExportMetadata, Photo, Recipe, RenderOutput, RenderTarget } from '../../contract/index.ts';
import { readExportSource } from '../media/export-source.ts';
import { exportTarget, renderRecipe, type ExportTarget } from './pipeline/index.ts';
import { photoYearMonth, type LibraryLayout } from '../library/library-layout.ts';
import type { RenderRecord } from '../library/index.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { renderMetadata } from './metadata/embed.ts';
import { recipeSha256 } from './metadata/provenance.ts';
import { FILE_EXTENSIONS, targetKey } from './target-key.ts';

export type RenderedFile = RenderOutput & { record: RenderRecord };

/** What the photo's renders keep of its metadata, besides the recipe's own output step (see output-description.ts). */
export type ExportSettings = {
  /** The photo's hot folder's choice; null for a photo without a folder. */
  folderChoice: ExportMetadata | null;
  /** `--metadata` for this run of the command line. */
  override: ExportMetadata | null;
  defaults: ExportDefaults;
};

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = { folderChoice: null, override: null, defaults: { creator: null, copyright: null } };

/**
 * Renders one output of a photo's recipe from its ORIGINAL and writes it, with its XMP sidecar,
 * under processed/YYYY/MM/{sha8}_{rev}[_{target}].{ext}. Same recipe + same original gives the same
 * bytes (the renderer is deterministic), so a retried job rewrites an identical file.
 */
export async function renderToLibrary(
  layout: LibraryLayout,
  photo: Photo & { sha256: string; originalPath: string },
  recipe: Recipe,
  revision: number,
  target: RenderTarget | undefined,
  settings: ExportSettings = DEFAULT_EXPORT_SETTINGS,
): Promise<RenderedFile> {
  const original = layout.absolute(photo.originalPath);
  const key = targetKey(target);
  const provenance = { originalSha256: photo.sha256, originalFileName: photo.fileName, recipeSha256: recipeSha256(recipe), revision, target: key === 'main' ? undefined : key };
  const described = renderMetadata({ source: await readExportSource(original), photo, provenance, ...settings });
  const image = await renderRecipe({ path: original }, recipe, {
    ...(target ? { target: exportTarget(target.id, target.strategy, target.background as ExportTarget['background']) } : {}),
    metadata: described.metadata,
  });
  const relativePath = layout.processedRelative({
    yearMonth: photoYearMonth(photo),
    sha256: photo.sha256,
    revision,
    ext: FILE_EXTENSIONS[image.info.format],
    target: key,
  });
  const absolute = layout.absolute(relativePath);
  await writeFileAtomic(absolute, image.data);
  // Written after the image: a sidecar without its image would describe nothing. An image whose
  // sidecar could not be written (a full disk) is removed: a render is both files or neither.
  await writeFileAtomic(sidecarPath(absolute), described.sidecar()).catch(async (error: unknown) => {
    await rm(absolute, { force: true });
    throw error;
  });
  const sha256 = createHash('sha256').update(image.data).digest('hex');
  const record: RenderRecord = {
    photoId: photo.id, revision, target: key, path: relativePath, bytes: image.data.length, sha256,
    width: image.info.width, height: image.info.height, createdAt: new Date().toISOString(),
  };
  return { target: key, path: absolute, relativePath, bytes: record.bytes, sha256, width: record.width, height: record.height, record };
}

/** What the render job calls: this function, or the same on a render thread (render-threads.ts). */
export type RenderFile = typeof renderToLibrary;

/** `x_3.jpg` -> `x_3.xmp`: Lightroom's convention (the name without its extension). */
export function sidecarPath(file: string): string {
  return path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.xmp`);
}
