import { Preset, type RecipeStep } from '../../contract/index.ts';
import type { Db } from './database.ts';

type Row = { id: string; name: string; steps_json: string; created_at: string; updated_at: string };

/**
 * Presets as stored. Steps come back as written (validated against the contract envelope); the
 * presets service migrates their params with parsePreset before use.
 */
const toPreset = (r: Row): Preset =>
  Preset.parse({ id: r.id, name: r.name, steps: JSON.parse(r.steps_json), createdAt: r.created_at, updatedAt: r.updated_at });

export class PresetsRepo {
  #list;
  #get;
  #byName;
  #insert;
  #rename;
  #delete;

  constructor(db: Db) {
    this.#list = db.prepare<[], Row>('SELECT * FROM presets ORDER BY name COLLATE NOCASE, id');
    this.#get = db.prepare<[string], Row>('SELECT * FROM presets WHERE id = ?');
    this.#byName = db.prepare<[string], Row>('SELECT * FROM presets WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1');
    this.#insert = db.prepare<[Record<string, unknown>]>(
      'INSERT INTO presets (id, name, steps_json, created_at, updated_at) VALUES (@id, @name, @steps, @createdAt, @updatedAt)',
    );
    this.#rename = db.prepare<[string, string, string]>('UPDATE presets SET name = ?, updated_at = ? WHERE id = ?');
    this.#delete = db.prepare<[string]>('DELETE FROM presets WHERE id = ?');
  }

  list(): Preset[] {
    return this.#list.all().map(toPreset);
  }

  get(id: string): Preset | null {
    const row = this.#get.get(id);
    return row ? toPreset(row) : null;
  }

  /** Case-insensitive, for the CLI's `presets apply NAME`. */
  findByName(name: string): Preset | null {
    const row = this.#byName.get(name);
    return row ? toPreset(row) : null;
  }

  insert(preset: { id: string; name: string; steps: RecipeStep[]; createdAt: string }): Preset {
    this.#insert.run({ id: preset.id, name: preset.name, steps: JSON.stringify(preset.steps), createdAt: preset.createdAt, updatedAt: preset.createdAt });
    return this.get(preset.id)!;
  }

  rename(id: string, name: string): Preset | null {
    if (this.#rename.run(name, new Date().toISOString(), id).changes === 0) return null;
    return this.get(id);
  }

  delete(id: string): boolean {
    return this.#delete.run(id).changes > 0;
  }
}
