import { FolderPolicy, HotFolder, HotFolderOptions } from '../../contract/index.ts';
import type { Db } from './database.ts';

type FolderRow = { id: number; path: string; options_json: string; created_at: string; presets_json: string; crop_review: string; crop_threshold: number; enhance_review: string; enhance_threshold: number };

/**
 * Hot folders. Watch options are stored as JSON and re-parsed, so options added later get their
 * defaults; the processing policy (migrations 007 and 014) has its own columns.
 */
export class FoldersRepo {
  #insert;
  #byId;
  #byPath;
  #all;
  #setOptions;
  #delete;

  constructor(db: Db) {
    this.#insert = db.prepare<[string, string, string, string, string, number, string, number], { id: number }>(
      'INSERT INTO folders (path, options_json, created_at, presets_json, crop_review, crop_threshold, enhance_review, enhance_threshold) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
    );
    this.#byId = db.prepare<[number], FolderRow>('SELECT * FROM folders WHERE id = ?');
    this.#byPath = db.prepare<[string], FolderRow>('SELECT * FROM folders WHERE path = ?');
    this.#all = db.prepare<[], FolderRow>('SELECT * FROM folders ORDER BY id');
    this.#setOptions = db.prepare<[string, string, string, number, string, number, number]>(
      'UPDATE folders SET options_json = ?, presets_json = ?, crop_review = ?, crop_threshold = ?, enhance_review = ?, enhance_threshold = ? WHERE id = ?',
    );
    this.#delete = db.prepare<[number]>('DELETE FROM folders WHERE id = ?');
  }

  add(path: string, options: Partial<HotFolderOptions> = {}): HotFolder {
    const { watch, policy } = split(HotFolderOptions.parse(options));
    const row = this.#insert.get(path, JSON.stringify(watch), new Date().toISOString(), JSON.stringify(policy.presets), policy.cropReview, policy.cropThreshold, policy.enhance, policy.enhanceThreshold);
    return this.#require(row!.id);
  }

  get(id: number): HotFolder | null {
    const row = this.#byId.get(id);
    return row ? toFolder(row) : null;
  }

  findByPath(path: string): HotFolder | null {
    const row = this.#byPath.get(path);
    return row ? toFolder(row) : null;
  }

  list(): HotFolder[] {
    return this.#all.all().map(toFolder);
  }

  /** Merges `options` into the stored ones; keys left out keep their value. Throws for an unknown id. */
  update(id: number, options: Partial<HotFolderOptions>): HotFolder {
    const current = this.#require(id);
    const { id: _id, path: _path, createdAt: _createdAt, ...stored } = current;
    const { watch, policy } = split(HotFolderOptions.parse({ ...stored, ...definedOnly(options) }));
    this.#setOptions.run(JSON.stringify(watch), JSON.stringify(policy.presets), policy.cropReview, policy.cropThreshold, policy.enhance, policy.enhanceThreshold, id);
    return this.#require(id);
  }

  /** Photos and file records keep existing; their folder becomes null. Returns false for an unknown id. */
  remove(id: number): boolean {
    return this.#delete.run(id).changes > 0;
  }

  #require(id: number): HotFolder {
    const folder = this.get(id);
    if (!folder) throw new Error(`There is no hot folder ${id}.`);
    return folder;
  }
}

function toFolder(row: FolderRow): HotFolder {
  const policy = {
    presets: JSON.parse(row.presets_json) as unknown,
    cropReview: row.crop_review,
    cropThreshold: row.crop_threshold,
    enhance: row.enhance_review,
    enhanceThreshold: row.enhance_threshold,
  };
  // The columns win over any same-named key an options_json might hold.
  return HotFolder.parse({ ...JSON.parse(row.options_json), ...policy, id: row.id, path: row.path, createdAt: row.created_at });
}

/** The policy goes to its columns, everything else to options_json. */
function split(options: HotFolderOptions): { watch: Omit<HotFolderOptions, keyof FolderPolicy>; policy: FolderPolicy } {
  const { presets, cropReview, cropThreshold, enhance, enhanceThreshold, ...watch } = options;
  return { watch, policy: { presets, cropReview, cropThreshold, enhance, enhanceThreshold } };
}

/** `{ polling: undefined }` from a partial input means "not given", not "clear it". */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
