import type { Migration } from './migration.ts';

/**
 * `+a.task`: without the plus, SQLite looks a photo's results up through the (task, status) index
 * and reads every photo's row of that task; the plus leaves it the primary key (sha256 first).
 *
 * The words a photo can be found by (issue 6's search box): what the photographer wrote (XMP/IPTC
 * title, description, keywords), the camera and lens, and what analysis found (object keywords,
 * CLIP tags, the caption). Written out here, not imported, because a shipped migration never
 * changes; a later migration that indexes more replaces the triggers.
 */
const WORDS = `concat_ws(' ',
  json_extract(p.metadata_json, '$.title'),
  json_extract(p.metadata_json, '$.description'),
  (SELECT group_concat(k.value, ' ') FROM json_each(p.metadata_json, '$.keywords') k),
  json_extract(p.metadata_json, '$.make'),
  json_extract(p.metadata_json, '$.model'),
  json_extract(p.metadata_json, '$.lens'),
  (SELECT group_concat(k.value, ' ') FROM analysis_results a, json_each(a.result_json, '$.keywords') k
    WHERE a.sha256 = p.sha256 AND +a.task = 'objects' AND +a.status = 'completed'),
  (SELECT group_concat(json_extract(t.value, '$.label'), ' ') FROM analysis_results a, json_each(a.result_json, '$.tags') t
    WHERE a.sha256 = p.sha256 AND +a.task = 'embedding' AND +a.status = 'completed'),
  (SELECT group_concat(json_extract(a.result_json, '$.text'), ' ') FROM analysis_results a
    WHERE a.sha256 = p.sha256 AND +a.task = 'caption' AND +a.status = 'completed'))`;

// `rowid = (one id)`, not `rowid IN (...)`: FTS5 looks a single rowid up, but reads an IN list
// against the whole table (1.3 ms per write at 10,000 photos). One sha256 is one photo (UNIQUE).
const refresh = (id: string) => `
    DELETE FROM photo_text WHERE rowid = ${id};
    INSERT INTO photo_text (rowid, name, words) SELECT p.id, p.file_name, ${WORDS} FROM photos p WHERE p.id = ${id};`;
const photoOf = (sha: string) => `(SELECT id FROM photos WHERE sha256 = ${sha})`;

/** Only the tasks whose results hold words; a quality score or a face box changes nothing here. */
const WORD_TASKS = `('objects', 'embedding', 'caption')`;

/**
 * A full-text index kept by triggers, so every writer (ingest, analysis, a re-analysis with a new
 * model, a future metadata edit) keeps it current without knowing it exists. unicode61 with
 * diacritics removed: "cafe" finds "Café". rowid is the photo id.
 */
export const migration010: Migration = {
  version: 10,
  name: 'photo-text',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE photo_text USING fts5(name, words, tokenize = 'unicode61 remove_diacritics 2');

      CREATE TRIGGER photo_text_insert AFTER INSERT ON photos BEGIN ${refresh('new.id')} END;
      CREATE TRIGGER photo_text_update AFTER UPDATE OF file_name, metadata_json, sha256 ON photos BEGIN ${refresh('new.id')} END;
      CREATE TRIGGER photo_text_delete AFTER DELETE ON photos BEGIN DELETE FROM photo_text WHERE rowid = old.id; END;

      CREATE TRIGGER photo_text_analysis_insert AFTER INSERT ON analysis_results WHEN new.task IN ${WORD_TASKS}
        BEGIN ${refresh(photoOf('new.sha256'))} END;
      CREATE TRIGGER photo_text_analysis_update AFTER UPDATE ON analysis_results WHEN new.task IN ${WORD_TASKS} OR old.task IN ${WORD_TASKS}
        BEGIN ${refresh(photoOf('new.sha256'))} END;
      CREATE TRIGGER photo_text_analysis_delete AFTER DELETE ON analysis_results WHEN old.task IN ${WORD_TASKS}
        BEGIN ${refresh(photoOf('old.sha256'))} END;

      INSERT INTO photo_text (rowid, name, words) SELECT p.id, p.file_name, ${WORDS} FROM photos p;

      -- Search by meaning asks whether the stored embeddings changed before trusting its cache.
      CREATE INDEX analysis_model ON analysis_results(model, status, updated_at);
    `);
  },
};
