import { useState } from 'react';
import type { ModelInfo, ModelsProgress, ModelVerification } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { isLastChunk, Licence, TASK_TEXT } from './model-parts.tsx';
import { errorText, formatSize } from './use-engine.ts';
import { FormError } from '../components/FormError.tsx';

const STATE_TEXT: Record<ModelInfo['state'] | 'verified' | 'damaged' | 'downloading' | 'failed', string> = {
  installed: 'Installed',
  verified: 'Verified',
  damaged: 'Damaged',
  'not-installed': 'Not installed',
  partial: 'Partly downloaded',
  outdated: 'Older version installed',
  downloading: 'Downloading',
  failed: 'Download failed',
};

/**
 * A model the model manager fetches from its home. The home and licence are on the row, and the
 * download asks once more with both before any byte is fetched.
 */
export function DownloadableModel({ model, progress, transport, onChange }: { model: ModelInfo; progress: ModelsProgress | null; transport: Transport; onChange(model: ModelInfo): void }) {
  const [phase, setPhase] = useState<'idle' | 'confirm' | 'downloading' | 'verifying'>('idle');
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<ModelVerification | null>(null);

  const download = () => {
    setPhase('downloading');
    setError(null);
    setCheck(null);
    transport
      .call('models.download', { id: model.id })
      .then(onChange, (caught: unknown) => setError(errorText(caught, 'The download stopped. Press Download again to resume it.')))
      .finally(() => setPhase('idle'));
  };
  const verify = () => {
    setPhase('verifying');
    setError(null);
    transport
      .call('models.verify', { id: model.id })
      .then(setCheck, (caught: unknown) => setError(errorText(caught, 'The model could not be checked. Try again.')))
      .finally(() => setPhase('idle'));
  };

  // Progress events without our own call in flight: a download started elsewhere (another window, before a reload).
  const elsewhere = phase === 'idle' && error === null && progress !== null && !isLastChunk(progress) && model.state !== 'installed';
  const downloading = phase === 'downloading' || elsewhere;
  const state = downloading ? 'downloading' : error ? 'failed' : check ? (check.ok ? 'verified' : 'damaged') : model.state;
  const installed = model.state === 'installed';
  return (
    <li className="model" aria-label={model.id}>
      <div className="model-head">
        <span className="model-name">{model.title}</span>
        <span className="model-state" data-state={state}>
          {STATE_TEXT[state]}
        </span>
        <span className="spacer" />
        {!installed && phase === 'idle' && !elsewhere && (
          <button type="button" className="button" onClick={() => setPhase('confirm')}>
            {model.state === 'partial' ? 'Resume download…' : 'Download…'}
          </button>
        )}
        {installed && (
          <button type="button" className="button" disabled={phase !== 'idle'} onClick={verify}>
            {phase === 'verifying' ? 'Checking…' : 'Verify'}
          </button>
        )}
      </div>
      <p className="model-meta">
        {TASK_TEXT[model.task]} · {formatSize(model.bytes)} · licence <Licence name={model.licence} url={model.licenceUrl} /> · {model.id} {model.version}
      </p>
      <p className="model-source muted">
        From <a href={model.home} target="_blank" rel="noreferrer noopener">{model.home}</a>
      </p>
      {phase === 'confirm' && (
        <div className="confirm" role="group" aria-label={`Download ${model.id}`}>
          <p>
            Lightbox will download {model.title}{model.bytes === null ? '' : ` (${formatSize(model.bytes)})`} from {model.home}. It is licensed {model.licence}; by downloading you accept that licence. The download resumes if it is interrupted and every file is checked by SHA-256.
          </p>
          <div className="form-actions">
            <button type="button" className="button primary" onClick={download}>
              Accept licence and download
            </button>
            <button type="button" className="button quiet" onClick={() => setPhase('idle')}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {downloading && <DownloadProgress progress={progress} />}
      {check && <p className={check.ok ? 'ok' : 'form-error'}>{check.message}</p>}
      <FormError message={error} />
    </li>
  );
}

function DownloadProgress({ progress }: { progress: ModelsProgress | null }) {
  const label = progress ? `File ${progress.fileIndex + 1} of ${progress.fileCount}: ${progress.file}, ${formatSize(progress.received)}${progress.total ? ` of ${formatSize(progress.total)}` : ''}` : 'Connecting…';
  return (
    <div className="download-progress">
      {/* Without a known total the bar is indeterminate (no value) rather than a made-up fraction. */}
      {progress?.total ? <progress aria-label="Download progress" value={progress.received} max={progress.total} /> : <progress aria-label="Download progress" />}
      <span className="muted">{label}</span>
    </div>
  );
}
