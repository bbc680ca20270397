import type { ModelFetchStatus } from '../contract.ts';
import { fetchFraction, MODEL_TASK_TEXT, useModelFetch } from '../model-fetch.ts';
import type { Transport } from '../transport/index.ts';
import { useUi } from '../ui-state.ts';

const STEP_TEXT = { pack: 'downloading', extract: 'unpacking', verify: 'checking' } as const;

/** Opens Settings and brings its Models card into view once the (lazily loaded) page has drawn it. */
function showModels(setView: (view: 'settings') => void): void {
  setView('settings');
  let frames = 0;
  const look = () => {
    const card = document.getElementById('models-title');
    if (card) card.scrollIntoView({ block: 'start' });
    else if (++frames < 120) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

function missingText(status: ModelFetchStatus): string {
  const names = status.missing.map((m) => `${MODEL_TASK_TEXT[m.task] ?? m.task}${m.code === 'model-damaged' ? ' (damaged)' : ''}`);
  return names.join(', ');
}

/**
 * Under the header while any bundled AI model is missing, damaged or being fetched: what it means
 * for the photos (analysed without it, marked incomplete, analysed again when it arrives) and one
 * click to fetch it. Nothing when every model is there.
 */
export function ModelsBanner({ transport }: { transport: Transport }) {
  const { status, error, fetch } = useModelFetch(transport);
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  // Settings › Models says all of this itself, with the same button.
  if (!status || status.state === 'ready' || view === 'settings') return null;
  const fraction = fetchFraction(status);
  const count = status.missing.length;
  return (
    <section className="models-banner" data-state={status.state} aria-label="AI models">
      <div className="models-banner-text" role="status">
        {status.state === 'fetching' ? (
          <>
            <strong>Fetching AI models</strong>
            {status.progress && (
              <span>
                {' '}
                {status.progress.index} of {status.progress.count}: {status.progress.package}, {STEP_TEXT[status.progress.step]}…
              </span>
            )}
            <span className="muted"> Photos are analysed as soon as each model is in.</span>
          </>
        ) : (
          <>
            <strong>
              {count === 1 ? 'An AI model is' : `${count} AI models are`} {status.missing.every((m) => m.code === 'model-damaged') ? 'damaged' : 'missing'}:
            </strong>{' '}
            {missingText(status)}.{' '}
            <span className="muted">Photos are analysed without {count === 1 ? 'it' : 'them'} (marked “analysis incomplete”) and again once {count === 1 ? 'it arrives' : 'they arrive'}.</span>
            {status.state === 'failed' && status.error && <span className="models-banner-error"> Last fetch: {status.error.message}</span>}
            {!status.canFetch && status.cannotFetch && <span className="models-banner-error"> {status.cannotFetch}</span>}
            {error && <span className="models-banner-error"> {error}</span>}
          </>
        )}
      </div>
      {fraction !== null && <progress className="models-banner-progress" aria-label="Model fetch progress" value={fraction} max={1} />}
      <div className="models-banner-actions">
        {status.state !== 'fetching' && status.canFetch && (
          <button type="button" className="button primary" onClick={fetch}>
            {status.state === 'failed' ? 'Try again' : 'Fetch models'}
          </button>
        )}
        <button type="button" className="link" onClick={() => showModels(setView)}>
          Settings › Models
        </button>
      </div>
    </section>
  );
}
