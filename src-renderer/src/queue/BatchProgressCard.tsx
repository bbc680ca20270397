import { etaText, paceText, type BatchProgress, type StageProgress } from '../contract.ts';
import { kindText } from './kind-text.ts';

function Bar({ label, done, total }: { label: string; done: number; total: number }) {
  const percent = total === 0 ? 100 : Math.round((done / total) * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <span className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

function StageRow({ stage }: { stage: StageProgress }) {
  const finished = stage.done >= stage.total;
  const parts = [`${stage.done} of ${stage.total}`, paceText(stage.perMinute), finished ? 'done' : stage.etaSeconds === null ? null : etaText(stage.etaSeconds)].filter(Boolean);
  return (
    <li className="kind">
      <div className="kind-head">
        <span className="kind-name">{kindText(stage.kind)}</span>
        <span className="muted">{parts.join(' · ')}</span>
      </div>
      <Bar label={`${kindText(stage.kind)}: this batch`} done={stage.done} total={stage.total} />
    </li>
  );
}

/**
 * The work since the queue was last idle (a card dump, a batch action): each stage's done and
 * total (totals count what earlier stages will still hand on), its pace, and the time left.
 */
export function BatchProgressCard({ progress }: { progress: BatchProgress }) {
  const percent = Math.round(progress.fraction * 100);
  return (
    <section className="card batch" aria-labelledby="batch-title">
      <h2 id="batch-title">
        This batch <span className="muted batch-eta">{percent} % · {etaText(progress.etaSeconds)}</span>
      </h2>
      <Bar label="This batch" done={percent} total={100} />
      <ul className="kinds batch-stages">
        {progress.stages.map((stage) => (
          <StageRow key={stage.kind} stage={stage} />
        ))}
      </ul>
      <p className="field-note">Started {new Date(progress.startedAt).toLocaleTimeString()}. Totals include the work earlier stages will still hand on, estimated from this batch; times left follow each stage’s pace over the last half minute.</p>
    </section>
  );
}
