import { useState, type FormEvent } from 'react';
import type { ExportDefaults } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { errorText, useEngineValue } from './use-engine.ts';
import { useDraft } from './use-draft.ts';
import { FormError } from '../components/FormError.tsx';

/**
 * What processed files keep of their originals' metadata: the library's creator and copyright
 * (written into every render whose original names none), and where the choice of what to keep is made.
 */
export function ExportMetadataCard({ transport }: { transport: Transport }) {
  const stored = useEngineValue<ExportDefaults>(transport, () => transport.call('export.defaults.get', {}), 'The export settings could not be read.');
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: boolean }>({ busy: false, error: null, saved: false });
  const value = stored.value;
  const { draft, edit, saved } = useDraft(value, (v) => ({ creator: v.creator ?? '', copyright: v.copyright ?? '' }), { creator: '', copyright: '' });

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setState({ busy: true, error: null, saved: false });
    try {
      stored.set(await transport.call('export.defaults.set', { creator: draft.creator.trim() || null, copyright: draft.copyright.trim() || null }));
      saved();
      setState({ busy: false, error: null, saved: true });
    } catch (caught) {
      setState({ busy: false, error: errorText(caught, 'The creator and copyright could not be saved. Try again.'), saved: false });
    }
  };

  return (
    <section className="card settings-card" aria-labelledby="export-metadata-title">
      <h2 id="export-metadata-title">Metadata in processed files</h2>
      <p className="muted">
        Processed files keep the original&apos;s camera, exposure, capture time, location, title, keywords, rating and copyright. A watched folder (below its
        presets) or a preset&apos;s Output step can leave out the location, or keep only copyright and contact details.
      </p>
      <form className="settings-form" onSubmit={save} aria-label="Creator and copyright">
        <label className="field">
          <span>Creator, when the original names none</span>
          <input type="text" value={draft.creator} maxLength={200} placeholder="Your name or studio" disabled={!value} onChange={(e) => edit({ ...draft, creator: e.target.value })} />
        </label>
        <label className="field">
          <span>Copyright, when the original has none</span>
          <input type="text" value={draft.copyright} maxLength={500} placeholder="© 2025 Your name" disabled={!value} onChange={(e) => edit({ ...draft, copyright: e.target.value })} />
        </label>
        <p className="field-note">Applies to files rendered from now on; an original&apos;s own creator and copyright always stay.</p>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={state.busy || !value}>
            Save
          </button>
          {state.saved && (
            <span className="ok" role="status">
              Saved
            </span>
          )}
        </div>
      </form>
      <FormError message={state.error ?? stored.error} />
    </section>
  );
}
