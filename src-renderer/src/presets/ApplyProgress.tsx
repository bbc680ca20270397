import { usePresets } from './preset-store.ts';

/** "Applying Warm to 20 photos": one bar for the recipes, a count for the renders that follow. */
export function ApplyProgress() {
  const run = usePresets((s) => s.run);
  if (!run) return null;
  const total = run.ids.size;
  const done = run.applied.size === total;
  return (
    <div className="apply-progress" role="status">
      <span>
        {done ? 'Applied' : 'Applying'} “{run.presetName}” to {run.applied.size} of {total} photos · rendered {run.rendered.size}
      </span>
      <progress aria-label="Preset progress" max={total} value={run.applied.size} />
      {done && (
        <button type="button" className="link" onClick={() => usePresets.getState().set({ run: null })}>
          Dismiss
        </button>
      )}
    </div>
  );
}
