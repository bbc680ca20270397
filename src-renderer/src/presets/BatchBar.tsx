import { useState } from 'react';
import { ApiError } from '../contract.ts';
import { useLibrary } from '../library/library-store.ts';
import type { Transport } from '../transport/index.ts';
import { ApplyProgress } from './ApplyProgress.tsx';
import { EnhanceBatch } from '../enhance/EnhanceBatch.tsx';
import { usePresets } from './preset-store.ts';

/** Actions on the grid selection: apply a preset, approve or reject the AI crops, rate, re-analyse, upload. */
export function BatchBar({ transport }: { transport: Transport }) {
  const selection = useLibrary((s) => s.selection);
  const [note, setNote] = useState<string | null>(null);
  const ids = [...selection];
  const run = async (work: () => Promise<string>, fallback: string) => {
    try {
      setNote(await work());
    } catch (error) {
      setNote(error instanceof ApiError ? error.message : fallback);
    }
  };
  // One call per photo: each decision is its own revision (and render); a failure does not stop the rest.
  const decideAll = async (command: 'recipe.approve' | 'recipe.reject', done: (n: number) => string) => {
    let decided = 0;
    const failures: string[] = [];
    for (const photoId of ids) {
      try {
        await transport.call(command, { photoId });
        decided++;
      } catch (error) {
        failures.push(error instanceof ApiError ? error.message : String(error));
      }
    }
    return failures.length ? `${done(decided)} ${failures.length} failed: ${failures[0]}` : done(decided);
  };
  const approveAll = () => decideAll('recipe.approve', (n) => `Approved ${n} photos; their final renders are queued.`);
  const uploadAll = async () => {
    const { queued, skipped } = await transport.call('immich.upload', { photoIds: ids });
    return `Sending ${queued} photos to Immich.${skipped.length ? ` ${skipped.length} cannot go: ${skipped[0]!.message}` : ''}`;
  };
  const rejectAll = () => decideAll('recipe.reject', (n) => `Turned down the AI crops of ${n} photos; they keep their full frame.`);
  return (
    <div className="batch-bar" role="toolbar" aria-label="Batch actions">
      {ids.length > 0 && (
        <>
          <button type="button" className="button" onClick={() => usePresets.getState().set({ dialog: 'manage', error: null })}>
            Presets…
          </button>
          <button type="button" className="button" onClick={() => void run(approveAll, 'Approving failed.')}>
            Approve {ids.length}
          </button>
          <button type="button" className="button" onClick={() => void run(rejectAll, 'Rejecting failed.')}>
            Reject AI crops
          </button>
          <EnhanceBatch transport={transport} ids={ids} run={run} />
          <select
            aria-label="Rate selection"
            value=""
            onChange={(e) => {
              const rating = Number(e.target.value);
              void run(async () => `Rated ${(await transport.call('photos.rate', { ids, rating })).updated} photos.`, 'The rating was not saved.');
            }}
          >
            <option value="">Rate…</option>
            {[0, 1, 2, 3, 4, 5].map((r) => (
              <option key={r} value={r}>
                {r === 0 ? 'No stars' : '★'.repeat(r)}
              </option>
            ))}
          </select>
          <button type="button" className="button" onClick={() => void run(async () => `Re-analysing ${(await transport.call('analysis.rerun', { photoIds: ids })).queued} photos.`, 'Re-analysis was not queued.')}>
            Re-analyse
          </button>
          <button type="button" className="button" onClick={() => void run(uploadAll, 'The upload was not queued.')}>
            Upload
          </button>
        </>
      )}
      {ids.length === 0 && (
        <button type="button" className="button" onClick={() => usePresets.getState().set({ dialog: 'manage', error: null })}>
          Presets…
        </button>
      )}
      {note && (
        <span className="muted batch-note" role="status">
          {note}
        </span>
      )}
      <ApplyProgress />
    </div>
  );
}
