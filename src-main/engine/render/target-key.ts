import { ExportTargetId, type RenderTarget } from '../../contract/index.ts';
import type { OutputFormat } from '../recipes/op-module.ts';

/**
 * How an output is named in the renders table and in its file name: `main` for the recipe alone,
 * else the export target (`square`, `story-9x16-extend`, `story-9x16-extend-ffffff`). Only
 * [a-z0-9-], so it is safe in a file name and cannot be mistaken for the revision.
 */
export function targetKey(target: RenderTarget | undefined): string {
  if (!target) return 'main';
  if (target.strategy === 'crop') return target.id;
  return target.background === 'blur' ? `${target.id}-extend` : `${target.id}-extend-${target.background.slice(1).toLowerCase()}`;
}

export const FILE_EXTENSIONS: Record<OutputFormat, string> = { jpeg: 'jpg', webp: 'webp', avif: 'avif', tiff: 'tif', png: 'png' };

/**
 * The export target a key names (targetKey's inverse), to render a recorded output again; null for
 * `main` or a key no target makes.
 */
export function targetFromKey(key: string): RenderTarget | null {
  const match = /^(.+?)(?:-extend(?:-([0-9a-f]{6}))?)?$/.exec(key);
  const id = ExportTargetId.safeParse(match?.[1]);
  if (!match || !id.success) return null;
  if (!key.includes('-extend')) return { id: id.data, strategy: 'crop', background: 'blur' };
  return { id: id.data, strategy: 'extend', background: match[2] ? `#${match[2]}` : 'blur' };
}
