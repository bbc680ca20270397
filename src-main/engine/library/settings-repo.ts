import type { Db } from './database.ts';

/** Small JSON values by key. Callers validate what they read with their own schema. */
export class SettingsRepo {
  #get;
  #set;
  #delete;

  constructor(db: Db) {
    this.#get = db.prepare<[string], string>('SELECT value_json FROM settings WHERE key = ?').pluck();
    this.#set = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json',
    );
    this.#delete = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  }

  /** `undefined` when the key was never set. */
  get(key: string): unknown {
    const json = this.#get.get(key);
    return json === undefined ? undefined : JSON.parse(json);
  }

  set(key: string, value: unknown): void {
    if (value === undefined) throw new Error(`Setting "${key}": undefined cannot be stored; use delete().`);
    this.#set.run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.#delete.run(key);
  }
}
