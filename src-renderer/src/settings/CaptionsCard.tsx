import { useState, type FormEvent } from 'react';
import type { RemoteVisionStatus } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { errorText, useEngineValue } from './use-engine.ts';
import { useDraft } from './use-draft.ts';
import { FormError } from '../components/FormError.tsx';

type Draft = { enabled: boolean; baseUrl: string; model: string };

const toDraft = (s: RemoteVisionStatus): Draft => ({ enabled: s.enabled, baseUrl: s.baseUrl ?? '', model: s.model ?? '' });

/** The optional remote caption service (off by default): the one place photos may leave the machine. */
export function CaptionsCard({ transport }: { transport: Transport }) {
  const remote = useEngineValue<RemoteVisionStatus>(transport, () => transport.call('analysis.remoteVision.get', {}), 'The caption settings could not be read.');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const value = remote.value;
  const { draft, edit: setDraft, saved: followEngine } = useDraft<RemoteVisionStatus, Draft>(value, toDraft, { enabled: false, baseUrl: '', model: '' });

  const save = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const baseUrl = draft.baseUrl.trim();
    const model = draft.model.trim();
    transport
      .call('analysis.remoteVision.set', { enabled: draft.enabled, baseUrl: baseUrl === '' ? null : baseUrl, model: model === '' ? null : model })
      .then(
        (next) => {
          remote.set(next);
          followEngine();
          setSaved(true);
        },
        (caught: unknown) => setError(errorText(caught, 'The caption settings could not be saved. Check the address (https://…) and try again.')),
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="card settings-card" aria-labelledby="captions-title">
      <h2 id="captions-title">Captions</h2>
      <p className="muted">Captions come from the local analysis. You can ask an OpenAI-compatible vision service for better ones instead; Lightbox falls back to the local caption whenever it fails.</p>
      <form className="settings-form" onSubmit={save} aria-label="Remote captions">
        <label className="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} /> Use a remote caption service
        </label>
        {draft.enabled && (
          <p className="privacy-note" role="note">
            When this is on, a 768-pixel JPEG copy of every analysed photo is sent to the service below. Your photos leave this machine and that service&apos;s own terms apply.
          </p>
        )}
        <label className="field">
          <span>Service address (base URL)</span>
          <input type="url" value={draft.baseUrl} placeholder="https://api.example.com/v1" spellCheck={false} autoComplete="off" onChange={(e) => setDraft({ ...draft, baseUrl: e.target.value })} />
        </label>
        <label className="field">
          <span>Model</span>
          <input type="text" value={draft.model} placeholder="e.g. a vision model name the service offers" spellCheck={false} autoComplete="off" onChange={(e) => setDraft({ ...draft, model: e.target.value })} />
        </label>
        <p className="field-note">
          API key:{' '}
          {value?.keySet ? (
            <span className="ok">set in LIGHTBOX_VISION_KEY</span>
          ) : (
            <span>not set. Lightbox never stores this key: set LIGHTBOX_VISION_KEY in the environment Lightbox starts in, then restart it.</span>
          )}
        </p>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy || !value}>
            Save
          </button>
          {saved && (
            <span className="ok" role="status">
              Saved
            </span>
          )}
        </div>
        <FormError message={error ?? remote.error} />
      </form>
    </section>
  );
}
