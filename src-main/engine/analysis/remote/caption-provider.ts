import sharp from 'sharp';
import type { CaptionResult, RemoteVisionSettings } from '../../../contract/models.ts';
import { AnalysisError } from '../analysis-error.ts';
import type { RgbImage } from '../rgb-image.ts';
import { remoteCaption } from './openai-vision.ts';

/**
 * Captions: the remote provider only when the user enabled and configured it, otherwise (and
 * whenever it fails) the local one. Each result says which provider and model produced it.
 */

export const KEY_ENV = 'LIGHTBOX_VISION_KEY';
/** Long side of the JPEG sent out: enough for a caption, small for the upload and the vendor. */
const REMOTE_SIZE = 768;

export type CaptionDeps = {
  settings: RemoteVisionSettings;
  env?: NodeJS.ProcessEnv;
  /** The local caption (from local analyses); null when there is nothing to say. */
  local: () => CaptionResult | null;
  /** Where a remote failure is reported; the message never holds the key. */
  log?: (message: string) => void;
};

export async function jpegForRemote(rgb: RgbImage): Promise<Buffer> {
  return sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize({ width: REMOTE_SIZE, height: REMOTE_SIZE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 85 })
    .toBuffer();
}

export function remoteReady(settings: RemoteVisionSettings): boolean {
  return settings.enabled && settings.baseUrl !== null && settings.model !== null;
}

export async function caption(rgb: RgbImage, deps: CaptionDeps): Promise<CaptionResult> {
  const { settings } = deps;
  if (remoteReady(settings)) {
    try {
      const got = await remoteCaption({
        baseUrl: settings.baseUrl!,
        model: settings.model!,
        apiKey: (deps.env ?? process.env)[KEY_ENV] ?? null,
        jpeg: await jpegForRemote(rgb),
        timeoutMs: settings.timeoutMs,
      });
      return { text: got.text, provider: 'remote', model: got.model };
    } catch (err) {
      if (!(err instanceof AnalysisError)) throw err;
      deps.log?.(err.message);
    }
  }
  const local = deps.local();
  if (!local) throw new AnalysisError('not-installed', 'No caption: the remote caption service is off or failed, and local captions need the CLIP model (`lightbox models download clip-vit-b32`).');
  return local;
}
