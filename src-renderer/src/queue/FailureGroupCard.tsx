import { useState } from 'react';
import { mediaUrl, type FailedJob, type FailureGroup } from '../contract.ts';
import { FormError } from '../components/FormError.tsx';
import { errorText } from '../settings/use-engine.ts';
import type { Transport } from '../transport/index.ts';
import { codeText, itemNoun, kindText } from './kind-text.ts';

/** Items shown before "Show all": a group of 69 stays one screen until asked. */
const FIRST = 12;

/** One cause: how many, the newest error, every photo (or file) it hit, and the group's two actions. */
export function FailureGroupCard({ group, transport, onChange }: { group: FailureGroup; transport: Transport; onChange(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [all, setAll] = useState(false);
  const noun = itemNoun(group.kind, group.count);
  const act = (command: 'queue.retryGroup' | 'queue.discardGroup') => {
    setBusy(true);
    setError(null);
    setConfirmDiscard(false);
    transport
      .call(command, { kind: group.kind, code: group.code })
      .then(onChange, (caught: unknown) => setError(errorText(caught, 'That did not work; reload the page and try again.')))
      .finally(() => setBusy(false));
  };
  const shown = all ? group.jobs : group.jobs.slice(0, FIRST);
  const title = `${codeText(group.code)}: ${group.count} ${noun}`;
  return (
    <li className="failure-group" aria-label={title}>
      <div className="failure-head">
        <span className="failure-count" aria-hidden="true">
          {group.count}
        </span>
        <div className="failure-title">
          <h3>
            {codeText(group.code)} <span className="muted">· {kindText(group.kind)}</span>
          </h3>
          <span className="muted">
            {group.count} {noun} · <code>{group.code}</code>
          </span>
        </div>
        <div className="failure-actions">
          <button type="button" className="button primary" disabled={busy} onClick={() => act('queue.retryGroup')}>
            Retry all {group.count}
          </button>
          <button type="button" className="button quiet" disabled={busy} onClick={() => setConfirmDiscard(true)}>
            Discard all
          </button>
        </div>
      </div>
      <p className="failure-message">{group.message}</p>
      {confirmDiscard && (
        <div className="confirm" role="group" aria-label={`Discard ${group.count} failed jobs`}>
          <p>
            Forget these {group.count} failed jobs? The {noun} stay in the library; only this failed work is dropped, and nothing retries it.
          </p>
          <div className="form-actions">
            <button type="button" className="button danger" onClick={() => act('queue.discardGroup')}>
              Discard {group.count}
            </button>
            <button type="button" className="button quiet" onClick={() => setConfirmDiscard(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <FormError message={error} />
      <ul className="failure-items" aria-label={`${noun} that failed: ${codeText(group.code)}`}>
        {shown.map((job) => (
          <FailedItem key={job.id} job={job} transport={transport} onChange={onChange} />
        ))}
      </ul>
      {!all && group.jobs.length > shown.length && (
        <button type="button" className="link failure-more" onClick={() => setAll(true)}>
          Show all {group.jobs.length}
        </button>
      )}
      {all && group.count > group.jobs.length && (
        <p className="muted failure-more">
          The newest {group.jobs.length} of {group.count} are listed; Retry all and Discard all act on every one.
        </p>
      )}
    </li>
  );
}

/** The time for today's failures, the date for older ones: what fits beside a thumbnail. */
function when(iso: string): string {
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : at.toLocaleDateString();
}

function FailedItem({ job, transport, onChange }: { job: FailedJob; transport: Transport; onChange(): void }) {
  const [busy, setBusy] = useState(false);
  const name = job.fileName ?? (job.photoId ? `Photo ${job.photoId}` : (job.subject ?? `Job ${job.id}`));
  const act = (command: 'queue.retry' | 'queue.discard') => {
    setBusy(true);
    transport
      .call(command, { id: job.id })
      .then(onChange, onChange)
      .finally(() => setBusy(false));
  };
  return (
    <li className="failure-item" title={`${job.subject ?? ''}\n${job.lastError ?? ''}`.trim()}>
      <span className="failure-thumb">
        {job.photoId && job.mediaRev > 0 ? <img src={mediaUrl(transport.mediaBase, job.photoId, 'thumb', job.mediaRev)} alt="" loading="lazy" /> : <span aria-hidden="true">{job.kind === 'ingest' ? 'file' : '—'}</span>}
      </span>
      <span className="failure-name">{name}</span>
      <span className="failure-when muted">
        {job.attempts} {job.attempts === 1 ? 'try' : 'tries'} · {when(job.updatedAt)}
      </span>
      <span className="failure-item-actions">
        <button type="button" className="link" disabled={busy} onClick={() => act('queue.retry')} aria-label={`Retry ${name}`}>
          Retry
        </button>
        <button type="button" className="link" disabled={busy} onClick={() => act('queue.discard')} aria-label={`Discard ${name}`}>
          Discard
        </button>
      </span>
    </li>
  );
}
