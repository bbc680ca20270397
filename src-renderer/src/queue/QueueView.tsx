import type { KindStats } from '../contract.ts';
import { useLightbox } from '../store.ts';
import type { Transport } from '../transport/index.ts';
import { paceText } from '../contract.ts';
import { BatchProgressCard } from './BatchProgressCard.tsx';
import { kindText } from './kind-text.ts';
import { FailureGroups } from './FailureGroups.tsx';
import { QueueCare } from '../care/QueueCare.tsx';

function KindRow({ kind, stats, rate }: { kind: string; stats: KindStats; rate: string | null }) {
  const total = stats.queued + stats.running + stats.done + stats.failed + stats.dead;
  const finished = stats.done + stats.dead;
  // A kind that has had nothing to do shows an empty bar: a full one read as finished work while the
  // earlier stages were still on their way to it.
  const percent = total === 0 ? 0 : Math.round((finished / total) * 100);
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

export function QueueView({ transport }: { transport: Transport }) {
  const queue = useLightbox((s) => s.queue);
  const kinds = queue ? Object.entries(queue.kinds) : [];
  // A kind's pace is the engine's, measured over the current batch (jobs/batch-progress.ts).
  const pace = (kind: string) => paceText(queue?.progress?.stages.find((s) => s.kind === kind)?.perMinute ?? null);
  return (
    <div className="page">
      {queue?.progress && <BatchProgressCard progress={queue.progress} />}
      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title">
          Background work <span className="muted queue-state">{queue ? (queue.idle ? 'idle' : 'working') : ''}</span>
        </h2>
        {kinds.length === 0 ? (
          <p className="muted">Nothing has been queued yet. Work appears here when photos arrive in a watched folder.</p>
        ) : (
          <ul className="kinds">
            {kinds.map(([kind, stats]) => (
              <KindRow key={kind} kind={kind} stats={stats} rate={pace(kind)} />
            ))}
          </ul>
        )}
      </section>
      <QueueCare transport={transport} />
      <FailureGroups transport={transport} />
    </div>
  );
}
