import { useLightbox } from '../store.ts';
import { useUi } from '../ui-state.ts';
import { etaText, slowestStage, STAGE_SHORT } from '../contract.ts';

/** In the header while a batch runs: how far it is, the stage holding it back, the time left. Opens the Queue page. */
export function QueueIndicator() {
  const progress = useLightbox((s) => s.queue?.progress);
  const setView = useUi((s) => s.setView);
  if (!progress) return null;
  const percent = Math.round(progress.fraction * 100);
  const slow = slowestStage(progress);
  const detail = `${slow ? `${STAGE_SHORT[slow.kind]} ${slow.done}/${slow.total} · ` : ''}${etaText(progress.etaSeconds)}`;
  return (
    <button type="button" className="queue-indicator" onClick={() => setView('queue')} aria-label={`Background work ${percent} % done: ${detail}. Open the queue.`}>
      <span className="mini-progress" aria-hidden="true">
        <span className="progress-fill" style={{ width: `${percent}%` }} />
      </span>
      <span className="queue-indicator-percent">{percent} %</span>
      <span className="muted">{detail}</span>
    </button>
  );
}
