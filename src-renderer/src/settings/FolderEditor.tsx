import { useLightbox } from '../store.ts';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, AfterIngest, type FolderUploadSettings, type HotFolder } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { FolderUploadFields } from './FolderUploadFields.tsx';
import { FolderPolicyFields } from './FolderPolicyFields.tsx';
import { FolderExportMetadataField } from './FolderExportMetadataField.tsx';
import { FormError } from '../components/FormError.tsx';

const AFTER_TEXT: Record<AfterIngest, string> = { keep: 'Leave it where it is', 'move-to-done': 'Move it to a "done" subfolder', delete: 'Delete it (the library keeps a copy)' };

const patterns = (text: string) =>
  text
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean);

/** One watched folder's options as a form; nothing changes until Save. */
export function FolderEditor({ folder, transport }: { folder: HotFolder; transport: Transport }) {
  const [draft, setDraft] = useState({ ...folder, includeText: folder.include.join(', '), excludeText: folder.exclude.join(', ') });
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: boolean; confirmRemove: boolean }>({ busy: false, error: null, saved: false, confirmRemove: false });
  const titleId = `folder-${folder.id}-title`;
  // Upload settings live beside the folder (they only mean something with an Immich server): loaded apart, saved together.
  const [upload, setUpload] = useState<{ stored: FolderUploadSettings; draft: FolderUploadSettings } | null>(null);
  useEffect(() => {
    let live = true;
    transport.call('folders.uploadSettings.get', { folderId: folder.id }).then(
      ({ folderId: _, ...stored }) => live && setUpload({ stored, draft: stored }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [folder.id, transport]);

  const run = async (work: () => Promise<unknown>, after: Partial<typeof state> = {}) => {
    setState((s) => ({ ...s, busy: true, error: null, saved: false }));
    try {
      await work();
      setState((s) => ({ ...s, busy: false, ...after }));
    } catch (caught) {
      setState((s) => ({ ...s, busy: false, confirmRemove: false, error: caught instanceof ApiError ? caught.message : 'Lightbox could not change this folder. Try again.' }));
    }
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(
      async () => {
        await transport.call('folders.update', {
          id: folder.id,
          enabled: draft.enabled,
          recursive: draft.recursive,
          polling: draft.polling,
          afterIngest: draft.afterIngest,
          include: patterns(draft.includeText),
          exclude: patterns(draft.excludeText),
          presets: draft.presets,
          cropReview: draft.cropReview,
          cropThreshold: draft.cropThreshold,
          exportMetadata: draft.exportMetadata,
          enhance: draft.enhance,
          enhanceThreshold: draft.enhanceThreshold,
        });
        if (upload && upload.draft !== upload.stored) {
          const { folderId: _, ...stored } = await transport.call('folders.uploadSettings.set', { folderId: folder.id, ...upload.draft });
          setUpload({ stored, draft: stored });
        }
      },
      { saved: true },
    );
  };

  return (
    <form className="folder-editor card" onSubmit={save} aria-labelledby={titleId}>
      <h3 id={titleId} className="folder-path" title={folder.path}>
        {folder.path}
      </h3>
      <FolderAvailability folderId={folder.id} />
      <div className="checks">
        <label>
          <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} /> Watching (untick to pause)
        </label>
        <label>
          <input type="checkbox" checked={draft.recursive} onChange={(e) => setDraft({ ...draft, recursive: e.target.checked })} /> Include subfolders
        </label>
        <label>
          <input type="checkbox" checked={draft.polling} onChange={(e) => setDraft({ ...draft, polling: e.target.checked })} /> Poll for changes (network shares)
        </label>
      </div>
      <label className="field">
        <span>After a photo is imported</span>
        <select value={draft.afterIngest} onChange={(e) => setDraft({ ...draft, afterIngest: AfterIngest.parse(e.target.value) })}>
          {AfterIngest.options.map((option) => (
            <option key={option} value={option}>
              {AFTER_TEXT[option]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Only these files (patterns, comma-separated; empty means all)</span>
        <input type="text" value={draft.includeText} placeholder="*.jpg, raw/**" spellCheck={false} onChange={(e) => setDraft({ ...draft, includeText: e.target.value })} />
      </label>
      <label className="field">
        <span>Skip these files</span>
        <input type="text" value={draft.excludeText} placeholder="*.tmp, .trash/**" spellCheck={false} onChange={(e) => setDraft({ ...draft, excludeText: e.target.value })} />
      </label>
      <FolderPolicyFields
        folderId={folder.id}
        policy={{ presets: draft.presets, cropReview: draft.cropReview, cropThreshold: draft.cropThreshold, enhance: draft.enhance, enhanceThreshold: draft.enhanceThreshold }}
        transport={transport}
        onChange={(patch) => setDraft({ ...draft, ...patch })}
      />
      <FolderExportMetadataField folderId={folder.id} value={draft.exportMetadata} onChange={(exportMetadata) => setDraft({ ...draft, exportMetadata })} />
      <div className="policy">
        <FolderUploadFields folderId={folder.id} settings={upload?.draft ?? null} onChange={(patch) => upload && setUpload({ ...upload, draft: { ...upload.draft, ...patch } })} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={state.busy}>
          Save
        </button>
        {state.saved && (
          <span className="ok" role="status">
            Saved
          </span>
        )}
        <span className="spacer" />
        {state.confirmRemove ? (
          <>
            <span className="muted">Stop watching? Imported photos stay in the library.</span>
            <button type="button" className="button danger" disabled={state.busy} onClick={() => void run(() => transport.call('folders.remove', { id: folder.id }))}>
              Remove folder
            </button>
            <button type="button" className="button quiet" onClick={() => setState((s) => ({ ...s, confirmRemove: false }))}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="button quiet" onClick={() => setState((s) => ({ ...s, confirmRemove: true }))}>
            Remove…
          </button>
        )}
      </div>
      <FormError message={state.error} />
    </form>
  );
}

/** A card reader unplugged or a share gone: say so, and when Lightbox looks again. */
function FolderAvailability({ folderId }: { folderId: number }) {
  const status = useLightbox((state) => state.folderStatus[folderId]);
  if (status?.state !== 'unavailable') return null;
  const retry = status.retryAt ? new Date(status.retryAt).toLocaleTimeString() : null;
  return (
    <p className="folder-unavailable" role="status">
      Not available: {status.message}
      {retry ? ` Lightbox looks for it again at ${retry}; nothing is lost meanwhile.` : ''}
    </p>
  );
}
