import { useState, type FormEvent } from 'react';
import { ApiError, type HotFolder } from '../contract.ts';
import { useLightbox } from '../store.ts';
import type { Transport } from '../transport/index.ts';

function describeOptions(folder: HotFolder): string {
  const parts = [
    folder.recursive ? 'with subfolders' : 'top level only',
    folder.polling ? 'polling' : 'file events',
    `after ingest: ${folder.afterIngest.replaceAll('-', ' ')}`,
  ];
  if (folder.include.length) parts.push(`include ${folder.include.join(', ')}`);
  if (folder.exclude.length) parts.push(`exclude ${folder.exclude.join(', ')}`);
  return parts.join(' · ');
}

export function FoldersPanel({ transport }: { transport: Transport }) {
  const folders = useLightbox((s) => s.folders);
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
      setError(caught instanceof ApiError ? caught.message : 'The folder could not be added.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="folders-title">
      <h2 id="folders-title">Watched folders</h2>
      {folders.length === 0 ? (
        <p className="muted">No folders are watched yet.</p>
      ) : (
        <ul className="folders" aria-label="Watched folders">
          {folders.map((folder) => (
            <li key={folder.id} className="folder" data-enabled={folder.enabled}>
              <span className="folder-path" title={folder.path}>
                {folder.path}
              </span>
              <span className="folder-options">
                {folder.enabled ? '' : 'paused · '}
                {describeOptions(folder)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="add-folder" onSubmit={add}>
        <label htmlFor="folder-path">Folder path on the Lightbox machine</label>
        <div className="add-folder-row">
          <input
            id="folder-path"
            type="text"
            value={path}
            placeholder="/home/me/Pictures/Inbox"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setPath(e.target.value)}
          />
          <button type="submit" disabled={busy || path.trim() === ''}>
            Add folder
          </button>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
