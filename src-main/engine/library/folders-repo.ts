import { HotFolder, HotFolderOptions } from '../../contract/index.ts';
import type { Db } from './database.ts';

type FolderRow = { id: number; path: string; options_json: string; created_at: string };

/** Hot folders. Options are stored as JSON and re-parsed, so options added later get their defaults. */
export class FoldersRepo {
  #insert;
  #byId;
  #byPath;
  #all;
  #setOptions;
  #delete;

  constructor(db: Db) {
    this.#insert = db.prepare<[string, string, string], { id: number }>(
      'INSERT INTO folders (path, options_json, created_at) VALUES (?, ?, ?) RETURNING id',
    );
    this.#byId = db.prepare<[number], FolderRow>('SELECT * FROM folders WHERE id = ?');
    this.#byPath = db.prepare<[string], FolderRow>('SELECT * FROM folders WHERE path = ?');
    this.#all = db.prepare<[], FolderRow>('SELECT * FROM folders ORDER BY id');
    this.#setOptions = db.prepare<[string, number]>('UPDATE folders SET options_json = ? WHERE id = ?');
    this.#delete = db.prepare<[number]>('DELETE FROM folders WHERE id = ?');
  }

  add(path: string, options: Partial<HotFolderOptions> = {}): HotFolder {
    const parsed = HotFolderOptions.parse(options);
    const row = this.#insert.get(path, JSON.stringify(parsed), new Date().toISOString());
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
    const merged = HotFolderOptions.parse({ ...stored, ...definedOnly(options) });
    this.#setOptions.run(JSON.stringify(merged), id);
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
  return HotFolder.parse({ ...JSON.parse(row.options_json), id: row.id, path: row.path, createdAt: row.created_at });
}

/** `{ polling: undefined }` from a partial input means "not given", not "clear it". */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
