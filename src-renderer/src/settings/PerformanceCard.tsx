import { useEffect } from 'react';
import type { PerformanceStatus, WorkerCounts, WorkerKind } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { useEngineSetting } from './use-engine.ts';
import { FormError } from '../components/FormError.tsx';

const KIND_TEXT: Record<WorkerKind, { label: string; hint: string }> = {
  ingest: { label: 'Import', hint: 'copying and hashing new files' },
  derive: { label: 'Previews', hint: 'decoding, thumbnails and metadata' },
  analyze: { label: 'Analysis', hint: 'faces, subject, objects; each can use a lot of memory' },
  render: { label: 'Render', hint: 'writing processed files' },
};
const KINDS = Object.keys(KIND_TEXT) as WorkerKind[];

const mb = (n: number) => `${Math.round(n)} MB`;
const gb = (n: number) => `${(n / 1024).toFixed(1)} GB`;

/** Worker counts per kind of job; the engine applies a change to the running queue at once. */
export function PerformanceCard({ transport }: { transport: Transport }) {
  const perf = useEngineSetting<PerformanceStatus>(transport, () => transport.call('performance.get', {}), 'The worker counts could not be read.');
  const { busy } = perf;
  const status = perf.value;
  // The upload limit adapts to the server: refresh it with the upload totals.
  const reload = perf.reload;
  useEffect(() => transport.on('upload.totals', () => reload()), [transport, reload]);

  const apply = (update: Partial<WorkerCounts> & { reset?: boolean }) => {
    const { reset, ...counts } = update;
    const shown = status && !reset ? { ...status, workers: { ...status.workers, ...counts } } : null;
    perf.change(shown, () => transport.call('performance.set', update), 'The worker count could not be changed. Try again.');
  };

  return (
    <section className="card settings-card" aria-labelledby="performance-title">
      <h2 id="performance-title">Performance</h2>
      <p className="muted">
        How many jobs of each kind run at once. More is faster on a machine with spare cores and memory; fewer keeps the rest of the computer responsive. Changes apply immediately.
      </p>
      {status && (
        <>
          <div className="workers">
            {KINDS.map((kind) => (
              <label key={kind} className="worker">
                <span className="worker-label">{KIND_TEXT[kind].label}</span>
                <select value={status.workers[kind]} disabled={busy} onChange={(e) => apply({ [kind]: Number(e.target.value) })}>
                  {Array.from({ length: status.cores }, (_, i) => i + 1).map((n) => (
                    <option key={n} value={n}>
                      {n}
                      {n === status.defaults[kind] ? ' (default)' : ''}
                    </option>
                  ))}
                </select>
                <span className="worker-hint muted">{KIND_TEXT[kind].hint}</span>
              </label>
            ))}
          </div>
          <p className="field-note">
            This machine has {status.cores} CPU {status.cores === 1 ? 'core' : 'cores'}, the most any count can be, and {gb(status.memory.totalMb)} of memory; the defaults are chosen from both. Immich uploads adjust themselves to the server: {status.uploadLimit} at once now, at most {status.uploadMax}.
          </p>
          <p className="field-note" role="status" aria-label="Memory">
            Memory: Lightbox uses {mb(status.memory.rssMb)} of its {gb(status.memory.budgetMb)} budget; {gb(status.memory.freeMb)} of the machine’s is free.
            {status.memory.short && <span className="memory-short"> Memory is short: thumbnails, analyses and renders run one at a time until it frees up.</span>}
          </p>
          <div className="form-actions">
            <button type="button" className="button quiet" disabled={busy || KINDS.every((k) => status.workers[k] === status.defaults[k])} onClick={() => apply({ reset: true })}>
              Back to defaults
            </button>
          </div>
        </>
      )}
      <FormError message={perf.problem} />
    </section>
  );
}
