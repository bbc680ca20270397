import { useState } from 'react';
import { ApiError, type DeadLetter, type JobKind, type KindStats } from '../contract.ts';
import { useLightbox } from '../store.ts';
import type { Transport } from '../transport/index.ts';
import { FormError } from '../components/FormError.tsx';
import { formatRate, useJobRates } from './job-rates.ts';
import { QueueCare } from '../care/QueueCare.tsx';

/** Every job kind in words; a Record over JobKind so a new kind cannot ship without its label. */
const KIND_TEXT: Record<JobKind, string> = {
  ingest: 'Ingest (copy and hash)',
  derive: 'Thumbnails and metadata',
  analyze: 'Analysis (faces, objects, quality, crops)',
  render: 'Rendering processed files',
  'apply-preset': 'Applying presets',
  upload: 'Uploading to Immich',
};
const kindText = (kind: string): string => (KIND_TEXT as Record<string, string>)[kind] ?? kind;

function KindRow({ kind, stats, rate }: { kind: string; stats: KindStats; rate: string | null }) {
  const total = stats.queued + stats.running + stats.done + stats.failed + stats.dead;
  const finished = stats.done + stats.dead;
  const percent = total === 0 ? 100 : Math.round((finished / total) * 100);
  const parts = [`${stats.done} done`, rate, stats.running && `${stats.running} running`, stats.queued && `${stats.queued} waiting`, stats.failed && `${stats.failed} retrying`, stats.dead && `${stats.dead} dead`].filter(Boolean);
  return (
    <li className="kind">
      <div className="kind-head">
        <span className="kind-name">{kindText(kind)}</span>
        <span className="muted">{parts.join(' · ')}</span>
      </div>
      <div className="progress" role="progressbar" aria-label={`${kindText(kind)} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span className="progress-fill" style={{ width: `${percent}%` }} data-dead={stats.dead > 0} />
      </div>
    </li>
  );
}

function DeadLetterRow({ letter, transport }: { letter: DeadLetter; transport: Transport }) {
  const setDeadLetters = useLightbox((s) => s.setDeadLetters);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (command: 'queue.retry' | 'queue.discard') => {
    setBusy(true);
    setError(null);
    try {
      await transport.call(command, { id: letter.id });
      setDeadLetters(await transport.call('queue.deadLetters', {}));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'That did not work; reload the page and try again.');
      setBusy(false);
    }
  };
  return (
    <li className="dead-letter" aria-label={`Failed ${letter.kind} job ${letter.id}`}>
      <div className="dead-head">
        <span className="kind-name">{kindText(letter.kind)}</span>
        <span className="muted">
          {letter.attempts} attempt{letter.attempts === 1 ? '' : 's'} · {new Date(letter.updatedAt).toLocaleString()}
        </span>
      </div>
      {letter.subject && <p className="dead-subject">{/^\d+$/.test(letter.subject) ? `Photo ${letter.subject}` : letter.subject}</p>}
      <p className="dead-error">{letter.lastError ?? 'No error text was recorded.'}</p>
      <div className="dead-actions">
        <button type="button" className="button" disabled={busy} onClick={() => void act('queue.retry')}>
          Retry
        </button>
        <button type="button" className="button quiet" disabled={busy} onClick={() => void act('queue.discard')}>
          Discard
        </button>
      </div>
      <FormError message={error} />
    </li>
  );
}

export function QueueView({ transport }: { transport: Transport }) {
  const queue = useLightbox((s) => s.queue);
  const deadLetters = useLightbox((s) => s.deadLetters);
  const kinds = queue ? Object.entries(queue.kinds) : [];
  const rates = useJobRates(queue);
  return (
    <div className="page">
      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title">
          Background work <span className="muted queue-state">{queue ? (queue.idle ? 'idle' : 'working') : ''}</span>
        </h2>
        {kinds.length === 0 ? (
          <p className="muted">Nothing has been queued yet. Work appears here when photos arrive in a watched folder.</p>
        ) : (
          <ul className="kinds">
            {kinds.map(([kind, stats]) => (
              <KindRow key={kind} kind={kind} stats={stats} rate={formatRate(rates[kind])} />
            ))}
          </ul>
        )}
      </section>
      <QueueCare transport={transport} />
      <section className="card" aria-labelledby="dead-title">
        <h2 id="dead-title">Failed jobs</h2>
        {deadLetters.length === 0 ? (
          <p className="muted">No failed jobs. Jobs that fail every retry land here with their error, to retry or discard.</p>
        ) : (
          <>
            <p className="muted">These gave up after every retry. Fix the cause the error names (a file, a disk, a permission), then Retry; Discard forgets the job.</p>
            <ul className="dead-letters" aria-label="Failed jobs">
              {deadLetters.map((letter) => (
                <DeadLetterRow key={letter.id} letter={letter} transport={transport} />
              ))}
            </ul>
          </>
        )}
      </section>
    </div>
  );
}
