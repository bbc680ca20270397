export { renderRecipe, renderPreview } from './render-recipe.ts';
export type { RenderOptions } from './render-recipe.ts';
export type { RenderInput } from './decode.ts';
export type { RenderedImage } from './encode.ts';
export { EXPORT_TARGET_IDS, TARGET_ASPECTS, exportTarget, targetSize } from './export-targets.ts';
export type { ExportTarget, ExportTargetId } from './export-targets.ts';
export { buildXmpSidecar, cameraRawCrop } from './xmp-sidecar.ts';
export type { CameraRawCrop, XmpSidecarInput } from './xmp-sidecar.ts';
export { RenderError } from './render-error.ts';
