import { useState, type FormEvent } from 'react';
import type { BackupTarget } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { FormError } from '../components/FormError.tsx';
import { errorText, formatSize } from '../settings/use-engine.ts';
import { percentOf, relativeTime } from './care-format.ts';
import { useBackupTargets } from './use-care.ts';

/**
 * Settings › Backups: folders on a USB disk or a NAS mount that get a verified copy of the originals,
 * recipes, sidecars and the database. Each says when it last held a complete, verified backup.
 */
export function BackupCard({ transport }: { transport: Transport }) {
  const targets = useBackupTargets(transport);
  const list = targets.value;
  const act = (send: () => Promise<BackupTarget[]>, failure: string) => targets.change(null, send, failure);
  return (
    <section className="card settings-card" aria-labelledby="backup-title">
      <h2 id="backup-title">Backups</h2>
      <p className="muted">Two copies, verified: every original, recipe and sidecar, and a snapshot of the database, copied to another disk and read back to check the hash. Only new files are copied each time.</p>
      {list && list.length === 0 && <p className="muted">No backup target yet. Add a folder on a USB disk or a network share below.</p>}
      {list && list.length > 0 && (
        <ul className="care-targets" aria-label="Backup targets">
          {list.map((target) => (
            <TargetRow key={target.id} target={target} busy={targets.busy} act={act} transport={transport} />
          ))}
        </ul>
      )}
      <AddTarget transport={transport} onAdded={targets.set} />
      <FormError message={targets.problem} />
    </section>
  );
}

function TargetRow({ target, busy, act, transport }: { target: BackupTarget; busy: boolean; act(send: () => Promise<BackupTarget[]>, failure: string): void; transport: Transport }) {
  const state = target.running ? 'running' : !target.available ? 'unavailable' : target.lastError ? 'error' : target.lastVerifiedAt ? 'ok' : 'new';
  const run = (verify: boolean) => act(() => transport.call('backup.run', { id: target.id, verify }), 'The backup could not be started. Try again.');
  return (
    <li className="care-target" data-state={state} aria-label={`Backup to ${target.path}`}>
      <div className="care-target-head">
        <span className="dot" />
        <span className="folder-path">{target.path}</span>
        <span className="spacer" />
        <button type="button" className="button" disabled={busy || !!target.running || !target.available} onClick={() => run(false)}>
          Back up now
        </button>
        <button type="button" className="button quiet" disabled={busy || !!target.running || !target.available} onClick={() => run(true)} title="Also read back every file already on the target">
          Verify all
        </button>
      </div>
      <p className="care-target-status">
        {!target.available
          ? `Not connected: plug in its disk or mount its share.${target.lastVerifiedAt ? ` Last verified backup ${relativeTime(target.lastVerifiedAt)}.` : ''}`
          : target.lastVerifiedAt
            ? `Last verified backup ${relativeTime(target.lastVerifiedAt)} · ${target.files} files, ${formatSize(target.bytes)}`
            : target.lastBackupAt
              ? `Last backup ${relativeTime(target.lastBackupAt)} was not complete`
              : 'No backup yet'}
      </p>
      {target.running && (
        <div className="progress" role="progressbar" aria-label={`Backup to ${target.path}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percentOf(target.running)}>
          <span className="progress-fill" style={{ width: `${percentOf(target.running)}%` }} />
        </div>
      )}
      {target.lastError && target.available && <p className="form-error">{target.lastError.message}</p>}
      <div className="care-target-foot">
        <label className="upload-check">
          <input type="checkbox" checked={target.afterImport} disabled={busy} onChange={(e) => act(() => transport.call('backup.targets.update', { id: target.id, afterImport: e.target.checked }), 'The target could not be changed.')} /> Back up after every import
        </label>
        <button type="button" className="link" disabled={busy || !!target.running} onClick={() => act(() => transport.call('backup.targets.remove', { id: target.id }), 'The target could not be removed.')}>
          Remove
        </button>
      </div>
    </li>
  );
}

function AddTarget({ transport, onAdded }: { transport: Transport; onAdded(targets: BackupTarget[]): void }) {
  const [path, setPath] = useState('');
  const [afterImport, setAfterImport] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const add = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    transport
      .call('backup.targets.add', { path: path.trim(), afterImport })
      .then((targets) => {
        onAdded(targets);
        setPath('');
      }, (caught: unknown) => setError(errorText(caught, 'The folder could not be added. Check the path and try again.')))
      .finally(() => setBusy(false));
  };
  return (
    <form className="add-folder" onSubmit={add}>
      <label htmlFor="backup-path">Backup folder on the Lightbox machine</label>
      <div className="add-folder-row">
        <input id="backup-path" type="text" value={path} placeholder="/media/me/Backup/Lightbox" spellCheck={false} autoComplete="off" onChange={(e) => setPath(e.target.value)} />
        <button type="submit" className="button primary" disabled={busy || path.trim() === ''}>
          Add target
        </button>
      </div>
      <label className="upload-check">
        <input type="checkbox" checked={afterImport} onChange={(e) => setAfterImport(e.target.checked)} /> Back up after every import
      </label>
      <FormError message={error} />
    </form>
  );
}
