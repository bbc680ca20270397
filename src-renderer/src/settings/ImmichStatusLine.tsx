import { useState } from 'react';
import type { ImmichStatus, UploadTotals } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { errorText } from './use-engine.ts';

/** Connected, offline (and when Lightbox asks again), or paused on a refused key with Resume. */
export function ImmichStatusLine({ transport, status, error, onChange }: { transport: Transport; status: ImmichStatus | null; error: string | null; onChange(status: ImmichStatus): void }) {
  const [resumeError, setResumeError] = useState<string | null>(null);
  if (error) return <p className="form-error">{error}</p>;
  if (!status) return null;
  const resume = () => {
    setResumeError(null);
    transport.call('immich.resume', {}).then(onChange, (caught: unknown) => setResumeError(errorText(caught, 'Uploads could not be resumed. Try again.')));
  };
  let state: 'off' | 'ok' | 'offline' | 'paused';
  let text: string;
  if (!status.configured) {
    state = 'off';
    text = 'Uploads are off: no server is set.';
  } else if (status.paused) {
    state = 'paused';
    text = status.reason?.message ?? 'Uploads are paused.';
  } else if (!status.online) {
    state = 'offline';
    const at = status.retryAt ? new Date(status.retryAt).toLocaleTimeString() : null;
    text = `Offline: the server does not answer.${at ? ` Lightbox asks again at ${at};` : ''} uploads wait and continue by themselves.`;
  } else {
    state = 'ok';
    text = 'Connected.';
  }
  return (
    <div className="immich-status" data-state={state} role="status" aria-label="Immich connection">
      <span className="dot" aria-hidden="true" />
      <span>{text}</span>
      {state === 'paused' && (
        <button type="button" className="button" onClick={resume}>
          Resume uploads
        </button>
      )}
      {resumeError && <span className="form-error">{resumeError}</span>}
    </div>
  );
}

/** Totals from `upload.totals` events; until the first one, the status's counts (no "uploading" split). */
export function UploadTotalsRow({ status, totals }: { status: ImmichStatus; totals: UploadTotals | null }) {
  const counts = totals ?? { ...status.counts, uploading: 0 };
  const queued = Math.max(0, counts.pending - counts.uploading);
  const cells: Array<[string, number]> = [
    ['Queued', queued],
    ['Uploading', counts.uploading],
    ['Waiting for render or approval', counts.waiting],
    ['Uploaded', counts.uploaded],
    ['Failed', counts.failed],
  ];
  return (
    <dl className="upload-totals" aria-label="Upload totals">
      {cells.map(([term, n]) => (
        <div key={term} data-failed={term === 'Failed' && n > 0}>
          <dt>{term}</dt>
          <dd>{n}</dd>
        </div>
      ))}
    </dl>
  );
}
