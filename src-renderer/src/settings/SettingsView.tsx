import { useState, type FormEvent } from 'react';
import { ApiError } from '../contract.ts';
import { useLightbox } from '../store.ts';
import type { Transport } from '../transport/index.ts';
import { FolderEditor } from './FolderEditor.tsx';
import { CaptionsCard } from './CaptionsCard.tsx';
import { CropSettingsCard } from './CropSettingsCard.tsx';
import { ExportMetadataCard } from './ExportMetadataCard.tsx';
import { EnhanceSettingsCard } from './EnhanceSettingsCard.tsx';
import { ImmichCard } from './ImmichCard.tsx';
import { ModelsCard } from './ModelsCard.tsx';
import { PerformanceCard } from './PerformanceCard.tsx';
import { ApiTokensCard } from './ApiTokensCard.tsx';
import { FormError } from '../components/FormError.tsx';
import { BackupCard } from '../care/BackupCard.tsx';
import { CacheCard } from '../care/CacheCard.tsx';
import { ScrubCard } from '../care/ScrubCard.tsx';

function AddFolder({ transport }: { transport: Transport }) {
  const setFolders = useLightbox((s) => s.setFolders);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = path.trim();
    if (!trimmed) return;
    setBusy(true);
    setError(null);
    try {
      await transport.call('folders.add', { path: trimmed });
      // The folder.changed event normally beats this; the list keeps the UI right if it does not.
      setFolders(await transport.call('folders.list', {}));
      setPath('');
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The folder could not be added. Check the path and try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="add-folder" onSubmit={add}>
      <label htmlFor="folder-path">Folder path on the Lightbox machine</label>
      <div className="add-folder-row">
        <input id="folder-path" type="text" value={path} placeholder="/home/me/Pictures/Inbox" spellCheck={false} autoComplete="off" onChange={(e) => setPath(e.target.value)} />
        <button type="submit" className="button primary" disabled={busy || path.trim() === ''}>
          Add folder
        </button>
      </div>
      <FormError message={error} />
    </form>
  );
}

export function SettingsView({ transport }: { transport: Transport }) {
  const folders = useLightbox((s) => s.folders);
  const appInfo = useLightbox((s) => s.appInfo);
  return (
    <div className="page">
      <section className="card" aria-labelledby="folders-title">
        <h2 id="folders-title">Watched folders</h2>
        <p className="muted">Photos copied into these folders are imported automatically. The originals are never changed.</p>
        <AddFolder transport={transport} />
      </section>
      {folders.length === 0 ? (
        <p className="muted page-note">No folders are watched yet. Add one above to start.</p>
      ) : (
        <ul className="folder-list" aria-label="Watched folders">
          {folders.map((folder) => (
            <li key={`${folder.id}:${folder.createdAt}`}>
              <FolderEditor folder={folder} transport={transport} />
            </li>
          ))}
        </ul>
      )}
      <CropSettingsCard transport={transport} />
      <ExportMetadataCard transport={transport} />
      <EnhanceSettingsCard transport={transport} />
      <ImmichCard transport={transport} />
      <ModelsCard transport={transport} />
      <CaptionsCard transport={transport} />
      <PerformanceCard transport={transport} />
      <ApiTokensCard transport={transport} />
      <BackupCard transport={transport} />
      <ScrubCard transport={transport} />
      <CacheCard transport={transport} />
      <section className="card" aria-labelledby="library-title">
        <h2 id="library-title">Library</h2>
        <p>
          <span className="muted">Location: </span>
          <span className="folder-path">{appInfo?.libraryDir ?? '…'}</span>
        </p>
        <p className="muted">
          Lightbox {appInfo?.version ?? ''} · {appInfo?.mode ?? ''}
        </p>
      </section>
    </div>
  );
}
