import type { ScrubProgress } from '../contract.ts';
import { formatSize } from '../settings/use-engine.ts';
import { PHASE_TEXT, percentOf } from './care-format.ts';

/** A running check: its phase, files and bytes so far, and whether it is waiting for an import to finish. */
export function ScrubRunning({ progress }: { progress: ScrubProgress }) {
  const percent = percentOf(progress);
  return (
    <div className="care-running">
      <div className="kind-head">
        <span className="kind-name">{progress.waitingFor === 'ingest' ? 'Waiting while photos are imported' : PHASE_TEXT[progress.phase]}</span>
        <span className="muted">
          {progress.filesDone} of {progress.filesTotal} files · {formatSize(progress.bytesDone)} of {formatSize(progress.bytesTotal)}
        </span>
      </div>
      <div className="progress" role="progressbar" aria-label="Library check progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span className="progress-fill" style={{ width: `${percent}%` }} data-waiting={progress.waitingFor !== null} />
      </div>
    </div>
  );
}
