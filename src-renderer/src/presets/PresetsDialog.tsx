import { useEffect, useRef, useState } from 'react';
import type { Preset } from '../contract.ts';
import { activeSteps, useEditor } from '../editor/editor-store.ts';
import { opLabel } from '../editor/op-table.ts';
import { useLibrary } from '../library/library-store.ts';
import type { Transport } from '../transport/index.ts';
import { applyPreset, failed, loadPresets, usePresets } from './preset-store.ts';
import { FormError } from '../components/FormError.tsx';

const close = () => usePresets.getState().set({ dialog: null, error: null });

/** Save from the loupe photo: a name and which of its active steps go in. */
function SaveForm({ transport }: { transport: Transport }) {
  const editor = useEditor();
  const steps = activeSteps(editor);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<number>>(() => new Set(steps.map((_, i) => i)));
  const save = async () => {
    if (editor.photoId === null) return;
    try {
      await transport.call('presets.create', { photoId: editor.photoId, name, steps: [...chosen].sort((a, b) => a - b) });
      await loadPresets(transport);
      usePresets.getState().set({ dialog: 'manage', error: null });
    } catch (error) {
      failed(error, 'The preset was not saved. Check the name and try again.');
    }
  };
  return (
    <form
      className="preset-save"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label className="field">
        <span>Name</span>
        <input autoFocus value={name} onChange={(e) => setName(e.target.value)} aria-label="Preset name" required maxLength={200} />
      </label>
      <fieldset>
        <legend>Steps to include</legend>
        {steps.map((step, i) => (
          <label key={i} className="check">
            <input
              type="checkbox"
              checked={chosen.has(i)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(i);
                else next.delete(i);
                setChosen(next);
              }}
            />
            {opLabel(step.op)} <span className="muted">({step.source.startsWith('ai:') ? 'auto: computed again for each photo' : step.source})</span>
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button primary" disabled={!name.trim() || chosen.size === 0}>
        Save preset
      </button>
    </form>
  );
}

function PresetRow({ transport, preset }: { transport: Transport; preset: Preset }) {
  const selection = useLibrary((s) => s.selection);
  const [renaming, setRenaming] = useState<string | null>(null);
  const call = async (work: () => Promise<unknown>, fallback: string) => {
    try {
      await work();
      await loadPresets(transport);
    } catch (error) {
      failed(error, fallback);
    }
  };
  const download = async () => {
    try {
      const { json } = await transport.call('presets.export', { id: preset.id });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      link.download = `${preset.name.replace(/[^\w.-]+/g, '_')}.lightbox-preset.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      failed(error, 'The preset could not be exported.');
    }
  };
  return (
    <li className="preset-row" aria-label={`Preset ${preset.name}`}>
      {renaming === null ? (
        <span className="preset-name">
          {preset.name} <span className="muted">{preset.steps.map((s) => (s.source.startsWith('ai:') ? `auto ${opLabel(s.op).toLowerCase()}` : opLabel(s.op))).join(', ')}</span>
        </span>
      ) : (
        <input value={renaming} aria-label={`New name for ${preset.name}`} onChange={(e) => setRenaming(e.target.value)} autoFocus />
      )}
      <span className="preset-buttons">
        <button
          type="button"
          className="button primary"
          disabled={selection.size === 0}
          onClick={() => {
            void applyPreset(transport, preset, [...selection]);
            close();
          }}
        >
          Apply to {selection.size} selected
        </button>
        {renaming === null ? (
          <button type="button" className="button" onClick={() => setRenaming(preset.name)}>
            Rename
          </button>
        ) : (
          <button type="button" className="button" disabled={!renaming.trim()} onClick={() => void call(() => transport.call('presets.rename', { id: preset.id, name: renaming }), 'The preset was not renamed.').then(() => setRenaming(null))}>
            Save name
          </button>
        )}
        <button type="button" className="button" onClick={() => void download()}>
          Export
        </button>
        <button type="button" className="button" aria-label={`Delete ${preset.name}`} onClick={() => void call(() => transport.call('presets.delete', { id: preset.id }), 'The preset was not deleted.')}>
          Delete
        </button>
      </span>
    </li>
  );
}

/** Presets: save from the loupe photo, apply to the grid selection, rename, delete, import, export. */
export function PresetsDialog({ transport }: { transport: Transport }) {
  const { dialog, presets, error } = usePresets();
  const file = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (dialog) void loadPresets(transport);
  }, [dialog, transport]);
  useEffect(() => {
    if (!dialog) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopImmediatePropagation();
      close();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [dialog]);
  if (!dialog) return null;
  const importFile = async (chosen: File | undefined) => {
    if (!chosen) return;
    try {
      await transport.call('presets.import', { json: await chosen.text() });
      await loadPresets(transport);
    } catch (caught) {
      failed(caught, 'That file is not a Lightbox preset. Choose a file exported from Lightbox.');
    }
    if (file.current) file.current.value = '';
  };
  return (
    <div className="overlay" onClick={close}>
      <div className="presets-dialog" role="dialog" aria-modal="true" aria-labelledby="presets-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="presets-title">{dialog === 'save' ? 'Save as preset' : 'Presets'}</h2>
        <FormError message={error} />
        {dialog === 'save' ? (
          <SaveForm transport={transport} />
        ) : (
          <>
            {presets.length === 0 ? (
              <p className="muted">No presets yet. Open a photo, edit it, and choose “Save as preset…” in its recipe panel, or import a preset file.</p>
            ) : (
              <ul className="preset-list">
                {presets.map((p) => (
                  <PresetRow key={p.id} transport={transport} preset={p} />
                ))}
              </ul>
            )}
            <label className="field import">
              <span>Import a preset file</span>
              <input ref={file} type="file" accept=".json,application/json" aria-label="Import preset file" onChange={(e) => void importFile(e.target.files?.[0])} />
            </label>
          </>
        )}
        <button type="button" className="button close" onClick={close}>
          Close <kbd>Esc</kbd>
        </button>
      </div>
    </div>
  );
}
