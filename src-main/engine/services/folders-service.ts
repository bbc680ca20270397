import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, type AddFolderInput, type HotFolder, type UpdateFolderInput } from '../../contract/index.ts';
import type { FoldersRepo } from '../library/index.ts';

/** Hot folders: validated before they are stored, and the watchers follow every change. */
export class FoldersService {
  #repo: FoldersRepo;
  #libraryDir: string;
  #changed: (folders: HotFolder[]) => Promise<void>;
  #presetExists: (id: string) => boolean;

  /** `presetExists` checks the presets a folder's policy names (all accepted when not given). */
  constructor(repo: FoldersRepo, libraryDir: string, changed: (folders: HotFolder[]) => Promise<void>, presetExists: (id: string) => boolean = () => true) {
    this.#repo = repo;
    this.#libraryDir = path.resolve(libraryDir);
    this.#changed = changed;
    this.#presetExists = presetExists;
  }

  list(): HotFolder[] {
    return this.#repo.list();
  }

  async add(input: AddFolderInput): Promise<HotFolder> {
    const folderPath = path.resolve(input.path);
    const info = await stat(folderPath).catch(() => null);
    if (!info?.isDirectory()) {
      throw new ApiError('bad-request', `${folderPath} is not a folder on this computer. Check the path and that it is mounted.`);
    }
    if (isInside(folderPath, this.#libraryDir)) {
      throw new ApiError('bad-request', 'A hot folder cannot be inside the Lightbox library: it would ingest its own files.');
    }
    const existing = this.#repo.findByPath(folderPath);
    if (existing) return existing;
    this.#checkPresets(input.presets, []);
    const { path: _ignored, ...options } = input;
    const folder = this.#repo.add(folderPath, options);
    await this.#changed(this.#repo.list());
    return folder;
  }

  async update(input: UpdateFolderInput): Promise<HotFolder> {
    const current = this.#require(input.id);
    this.#checkPresets(input.presets, current.presets);
    const { id, ...options } = input;
    const folder = this.#repo.update(id, options);
    await this.#changed(this.#repo.list());
    return folder;
  }

  async remove(id: number): Promise<void> {
    this.#require(id);
    this.#repo.remove(id);
    await this.#changed(this.#repo.list());
  }

  /**
   * Presets newly put into a policy must exist. One the folder already names may have been deleted
   * since: it stays accepted (ingest skips it), so saving other changes never fails over it.
   */
  #checkPresets(wanted: string[] | undefined, already: string[]): void {
    const missing = (wanted ?? []).filter((id) => !already.includes(id) && !this.#presetExists(id));
    if (missing.length > 0) {
      throw new ApiError('not-found', `There is no preset ${missing.map((id) => `"${id}"`).join(', ')} in this library. Pick presets from the list, or save one from a photo first.`);
    }
  }

  #require(id: number): HotFolder {
    const folder = this.#repo.get(id);
    if (!folder) throw new ApiError('not-found', `There is no hot folder ${id}.`);
    return folder;
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
