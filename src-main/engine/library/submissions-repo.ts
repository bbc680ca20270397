import type { AppError } from '../../contract/index.ts';
import type { Db } from './database.ts';

export type Submission = {
  id: number;
  photoId: number;
  tokenId: number | null;
  tokenName: string;
  inboxPath: string;
  presetId: string | null;
  recipeJson: string | null;
  setup: 'waiting' | 'recipe-applied' | 'done' | 'failed';
  error: AppError | null;
  createdAt: string;
};

export type NewSubmission = Pick<Submission, 'photoId' | 'tokenId' | 'tokenName' | 'inboxPath' | 'presetId' | 'recipeJson'>;

type Row = {
  id: number;
  photo_id: number;
  token_id: number | null;
  token_name: string;
  inbox_path: string;
  preset_id: string | null;
  recipe_json: string | null;
  setup: Submission['setup'];
  error_code: AppError['code'] | null;
  error_message: string | null;
  created_at: string;
};

/**
 * Photos sent through the REST API (migration 016): which token sent them, and the preset or recipe
 * the sender asked for, kept until it is applied once the original is stored (`setup`).
 */
export class SubmissionsRepo {
  #insert;
  #get;
  #latest;
  #byInbox;
  #waiting;
  #setSetup;
  #liveInbox;

  constructor(db: Db) {
    this.#insert = db.prepare<[Record<string, unknown>], { id: number }>(`
      INSERT INTO api_submissions (photo_id, token_id, token_name, inbox_path, preset_id, recipe_json, created_at)
      VALUES (@photo_id, @token_id, @token_name, @inbox_path, @preset_id, @recipe_json, @now) RETURNING id`);
    this.#get = db.prepare<[number], Row>('SELECT * FROM api_submissions WHERE id = ?');
    this.#latest = db.prepare<[number], Row>('SELECT * FROM api_submissions WHERE photo_id = ? ORDER BY id DESC LIMIT 1');
    this.#byInbox = db.prepare<[string], Row>('SELECT * FROM api_submissions WHERE inbox_path = ? ORDER BY id DESC LIMIT 1');
    this.#waiting = db.prepare<[], Row>(`SELECT * FROM api_submissions WHERE setup IN ('waiting', 'recipe-applied') ORDER BY id`);
    this.#setSetup = db.prepare<[Record<string, unknown>]>('UPDATE api_submissions SET setup = @setup, error_code = @error_code, error_message = @error_message WHERE id = @id');
    // An inbox file is still needed while an ingest job for it may run again (a dead one can be retried).
    this.#liveInbox = db
      .prepare<[], string>(`SELECT s.inbox_path FROM api_submissions s WHERE EXISTS (
        SELECT 1 FROM jobs j INDEXED BY jobs_subject WHERE j.subject = s.inbox_path AND j.state IN ('queued', 'running', 'failed', 'dead'))`)
      .pluck();
  }

  insert(submission: NewSubmission): number {
    return this.#insert.get({
      photo_id: submission.photoId,
      token_id: submission.tokenId,
      token_name: submission.tokenName,
      inbox_path: submission.inboxPath,
      preset_id: submission.presetId,
      recipe_json: submission.recipeJson,
      now: new Date().toISOString(),
    })!.id;
  }

  get(id: number): Submission | null {
    const row = this.#get.get(id);
    return row ? toSubmission(row) : null;
  }

  latestFor(photoId: number): Submission | null {
    const row = this.#latest.get(photoId);
    return row ? toSubmission(row) : null;
  }

  byInboxPath(inboxPath: string): Submission | null {
    const row = this.#byInbox.get(inboxPath);
    return row ? toSubmission(row) : null;
  }

  /** Submissions whose preset or recipe is not applied yet, oldest first. */
  waiting(): Submission[] {
    return this.#waiting.all().map(toSubmission);
  }

  markSetup(id: number, setup: 'recipe-applied' | 'done'): void {
    this.#setSetup.run({ id, setup, error_code: null, error_message: null });
  }

  markFailed(id: number, error: AppError): void {
    this.#setSetup.run({ id, setup: 'failed', error_code: error.code, error_message: error.message });
  }

  /** Inbox files an ingest job may still read. */
  liveInboxPaths(): Set<string> {
    return new Set(this.#liveInbox.all());
  }
}

function toSubmission(row: Row): Submission {
  return {
    id: row.id,
    photoId: row.photo_id,
    tokenId: row.token_id,
    tokenName: row.token_name,
    inboxPath: row.inbox_path,
    presetId: row.preset_id,
    recipeJson: row.recipe_json,
    setup: row.setup,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    createdAt: row.created_at,
  };
}
