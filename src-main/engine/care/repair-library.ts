import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Photo, VerifyRepair } from '../../contract/index.ts';
import { CareRepo, type OriginalRow, type RenderRow } from '../library/care-repo.ts';
import type { Library } from '../library/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import { parseRecipe } from '../recipes/validate.ts';
import type { RenderFile } from '../render/render-to-library.ts';
import { targetFromKey } from '../render/target-key.ts';
import { readManifest } from './backup/backup-manifest.ts';
import { copyInto } from './backup/copy-into.ts';
import { sidecarOf } from './inventory.ts';
import { toProblem, type Finding } from './verify-library.ts';

export type RepairDeps = {
  library: Library;
  layout: LibraryLayout;
  /** Backup folders to look in for an original's right bytes (unplugged ones are skipped). */
  backupDirs(): string[];
  /**
   * Renders a processed file again: in the app the render threads (render-threads.ts), as render jobs
   * do, so a repair of many files does not hold up the engine's event loop with full-size pixels.
   */
  renderFile: RenderFile;
};

/** Where a file that is replaced goes: never deleted, in case its bytes still mean something to someone. */
const QUARANTINE = 'quarantine';

/**
 * Fixes what can be fixed from what the library holds: an original from a backup folder holding a
 * copy with the recorded hash; a processed file of the current revision by rendering it again from
 * the original and recipe (the renderer is deterministic, so it comes back byte for byte); a record
 * of an older revision whose file is gone is forgotten (only the current recipe is kept, so it
 * cannot be rendered again). A replaced file is moved to quarantine/, never deleted; orphans are
 * never touched. Returns what was done and what is still wrong.
 */
export async function repairFindings(deps: RepairDeps, findings: Finding[], signal?: AbortSignal): Promise<{ repaired: VerifyRepair[]; remaining: Finding[] }> {
  const repo = new CareRepo(deps.library.db);
  const repaired: VerifyRepair[] = [];
  const remaining: Finding[] = [];
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const brokenOriginals = new Set<number>();
  const doneRenders = new Map<string, string>();

  // Originals first: a processed file is only rendered again from an original that is right.
  for (const finding of findings.filter((f) => f.original)) {
    signal?.throwIfAborted();
    const action = await restoreOriginal(deps, finding.original!, finding.code === 'altered-original', stamp);
    if (action) repaired.push({ ...toProblem(finding), action });
    else {
      brokenOriginals.add(finding.original!.photoId);
      remaining.push({ ...finding, message: `${finding.message} No backup folder holds a copy with the recorded hash.` });
    }
  }

  for (const finding of findings.filter((f) => !f.original)) {
    signal?.throwIfAborted();
    const render = finding.render;
    if (!render) {
      remaining.push(finding);
      continue;
    }
    const key = `${render.photoId}:${render.revision}:${render.target}`;
    const earlier = doneRenders.get(key);
    if (earlier) {
      repaired.push({ ...toProblem(finding), action: earlier });
      continue;
    }
    let action: string | null;
    if (render.current) {
      if (brokenOriginals.has(render.photoId)) {
        remaining.push({ ...finding, message: `${finding.message} It cannot be rendered again until its original is restored.` });
        continue;
      }
      try {
        action = await renderAgain(deps, render);
      } catch (error) {
        remaining.push({ ...finding, message: `${finding.message} Rendering it again failed: ${(error as Error).message}` });
        continue;
      }
    } else {
      // What is left of the output (the altered image, its sidecar) goes too: a sidecar describes nothing without its image.
      const moved = [await quarantine(deps.layout, render.path, stamp), await quarantine(deps.layout, sidecarOf(render.path), stamp)].filter(Boolean);
      repo.forgetRender(render);
      action = `Forgot the record of superseded revision ${render.revision} (${render.target}): only the current recipe is kept, so it cannot be rendered again${moved.length ? `; what was left of it was moved to ${QUARANTINE}/${stamp}/` : ''}.`;
    }
    if (action === null) {
      remaining.push(finding);
      continue;
    }
    doneRenders.set(key, action);
    repaired.push({ ...toProblem(finding), action });
  }
  return { repaired, remaining };
}

async function restoreOriginal(deps: RepairDeps, row: OriginalRow, altered: boolean, stamp: string): Promise<string | null> {
  for (const dir of deps.backupDirs()) {
    const manifest = await readManifest(dir).catch(() => null);
    const entry = manifest?.files[row.path];
    if (entry?.sha256 !== row.sha256) continue;
    const moved = altered ? await quarantine(deps.layout, row.path, stamp) : null;
    try {
      await copyInto(path.join(dir, ...row.path.split('/')), deps.layout.absolute(row.path), row.sha256, row.bytes);
    } catch (error) {
      // This backup's copy is not right either (or went away): put the file back as it was, try the next.
      if (moved) await rename(moved, deps.layout.absolute(row.path)).catch(() => undefined);
      console.error(`[lightbox] restoring ${row.path} from ${dir}:`, (error as Error).message);
      continue;
    }
    return `Restored from the backup in ${dir} (hash checked)${moved ? `; the altered file was moved to ${QUARANTINE}/${stamp}/` : ''}.`;
  }
  return null;
}

async function renderAgain(deps: RepairDeps, render: RenderRow): Promise<string | null> {
  const photo = deps.library.photos.get(render.photoId);
  const stored = deps.library.recipes.get(render.photoId);
  const target = render.target === 'main' ? undefined : targetFromKey(render.target);
  // Changed since the check read it (a new edit is being rendered by its own job), or a key no target makes.
  if (!photo?.sha256 || !photo.originalPath || stored?.revision !== render.revision || target === null) return null;
  const file = await deps.renderFile(deps.layout, photo as Photo & { sha256: string; originalPath: string }, parseRecipe(stored.json), render.revision, target);
  deps.library.renders.record(file.record);
  const same = file.sha256 === render.sha256;
  return `Rendered again from the original and recipe revision ${render.revision}${same ? ' (identical to the recorded file)' : '; the new bytes differ from the recorded ones (another version of the renderer) and are recorded'}.`;
}

/** Moves a library file to quarantine/{stamp}/{its path}; returns where it went, or null if it was not there. */
async function quarantine(layout: LibraryLayout, relative: string, stamp: string): Promise<string | null> {
  const destination = layout.absolute(path.posix.join(QUARANTINE, stamp, relative));
  await mkdir(path.dirname(destination), { recursive: true });
  return rename(layout.absolute(relative), destination).then(
    () => destination,
    () => null,
  );
}
