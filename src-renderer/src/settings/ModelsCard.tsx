import { useEffect, useState } from 'react';
import type { BundledModel, ModelInfo, ModelsProgress, ModelVerification } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { DownloadableModel } from './DownloadableModel.tsx';
import { BundledFetchPanel } from './BundledFetchPanel.tsx';
import { isLastChunk, Licence, TASK_TEXT } from './model-parts.tsx';
import { errorText, formatSize, useEngineValue } from './use-engine.ts';


/** Every model: the ones npm brings (bundled) and the ones the model manager downloads. */
export function ModelsCard({ transport }: { transport: Transport }) {
  const bundled = useEngineValue<BundledModel[]>(transport, () => transport.call('models.bundled', {}), 'The bundled models could not be listed.');
  const downloads = useEngineValue<ModelInfo[]>(transport, () => transport.call('models.list', {}), 'The downloadable models could not be listed.');
  const [progress, setProgress] = useState<Record<string, ModelsProgress>>({});
  const reloadDownloads = downloads.reload;
  useEffect(
    () =>
      transport.on('models.progress', (event) => {
        setProgress((all) => ({ ...all, [event.id]: event }));
        // A download started before this page was opened (or in another window) ends here too.
        if (isLastChunk(event)) reloadDownloads();
      }),
    [transport, reloadDownloads],
  );

  return (
    <section className="card settings-card" aria-labelledby="models-title">
      <h2 id="models-title">Models</h2>
      <p className="muted">Analysis runs on this machine. Each model keeps its licence beside its weights.</p>
      <h3 className="subhead">Bundled</h3>
      <BundledFetchPanel transport={transport} onSettled={bundled.reload} />
      {bundled.error && <p className="form-error">{bundled.error}</p>}
      <ul className="model-list" aria-label="Bundled models">
        {bundled.value?.map((model) => (
          <BundledRow key={model.id} model={model} transport={transport} />
        ))}
      </ul>
      <h3 className="subhead">Downloads</h3>
      {downloads.error && <p className="form-error">{downloads.error}</p>}
      {downloads.value?.length === 0 && <p className="muted">No downloadable models are listed in this build.</p>}
      <ul className="model-list" aria-label="Downloadable models">
        {downloads.value?.map((model) => (
          <DownloadableModel
            key={model.id}
            model={model}
            progress={progress[model.id] ?? null}
            transport={transport}
            onChange={(next) => downloads.value && downloads.set(downloads.value.map((m) => (m.id === next.id ? next : m)))}
          />
        ))}
      </ul>
    </section>
  );
}

function BundledRow({ model, transport }: { model: BundledModel; transport: Transport }) {
  const [check, setCheck] = useState<ModelVerification | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const verify = () => {
    setBusy(true);
    setError(null);
    transport
      .call('models.verify', { id: model.id })
      .then(setCheck, (caught: unknown) => setError(errorText(caught, 'The model could not be checked. Try again.')))
      .finally(() => setBusy(false));
  };
  const state = check ? (check.ok ? 'verified' : 'damaged') : model.state;
  return (
    <li className="model" aria-label={model.id}>
      <div className="model-head">
        <span className="model-name">{model.id}</span>
        <span className="muted">{model.version}</span>
        <span className="model-state" data-state={state}>
          {STATE_TEXT[state]}
        </span>
        <span className="spacer" />
        <button type="button" className="button" disabled={busy} onClick={verify}>
          {busy ? 'Checking…' : 'Verify'}
        </button>
      </div>
      <p className="model-meta">
        {TASK_TEXT[model.task]} · {formatSize(model.bytes)} · licence <Licence name={model.licence} url={model.licenceUrl} /> · from npm {model.package}
      </p>
      <p className="model-source muted">{model.source}</p>
      {model.message && !check && <p className="form-error">{model.message}</p>}
      {check && <p className={check.ok ? 'ok' : 'form-error'}>{check.message}</p>}
      {error && <p className="form-error">{error}</p>}
    </li>
  );
}

const STATE_TEXT: Record<string, string> = { bundled: 'Bundled', verified: 'Verified', missing: 'Missing', damaged: 'Damaged' };
