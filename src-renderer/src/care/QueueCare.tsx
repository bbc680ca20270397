import { useLightbox } from '../store.ts';
import type { Transport } from '../transport/index.ts';
import { relativeTime } from './care-format.ts';
import { ScrubRunning } from './ScrubRunning.tsx';
import { useScrub } from './use-care.ts';

const KIND_TEXT: Record<string, string> = { ingest: 'Import', derive: 'Thumbnails', analyze: 'Analysis', render: 'Rendering', 'apply-preset': 'Presets', upload: 'Uploads' };

/**
 * The Queue page's care lines: kinds of work paused by a full disk (with the engine's sentence,
 * which names the folder and its free space), and the library check, with its progress while it runs.
 */
export function QueueCare({ transport }: { transport: Transport }) {
  const paused = useLightbox((s) => s.queue?.paused ?? null);
  const scrub = useScrub(transport);
  const state = scrub.value;
  const start = () => scrub.change(null, () => transport.call('care.scrub.start', { repair: false }), 'The check could not be started.');
  return (
    <>
      {paused && Object.keys(paused).length > 0 && (
        <section className="card care-paused" aria-labelledby="paused-title" aria-live="polite">
          <h2 id="paused-title">Paused: the disk is full</h2>
          <ul className="care-problems">
            {Object.entries(paused).map(([kind, reason]) => (
              <li key={kind}>
                <strong>{KIND_TEXT[kind] ?? kind}</strong> <span className="muted">{reason.message}</span>
              </li>
            ))}
          </ul>
          <p className="muted">Nothing was lost and no job was given up or counted as failed.</p>
        </section>
      )}
      <section className="card" aria-labelledby="queue-scrub-title">
        <h2 id="queue-scrub-title">
          Library check <span className="muted queue-state">{state?.running ? 'running' : ''}</span>
        </h2>
        {state?.running ? (
          <ScrubRunning progress={state.running} />
        ) : state ? (
          <div className="care-row">
            <span className="muted">
              {state.last ? `Last check ${relativeTime(state.last.at)}: ${state.last.interrupted ? 'stopped before the end (the next check goes on from there)' : state.last.ok ? 'all files check out' : `${state.last.errors} problem(s), see Settings`}.` : 'Not checked yet.'}
              {state.nextAt ? ` Next ${relativeTime(state.nextAt)}, when idle.` : ''}
            </span>
            <span className="spacer" />
            <button type="button" className="button" disabled={scrub.busy} onClick={start}>
              Check now
            </button>
          </div>
        ) : null}
      </section>
    </>
  );
}
