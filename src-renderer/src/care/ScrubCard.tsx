import { isVerifyError, type ScrubSettings } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { FormError } from '../components/FormError.tsx';
import { formatSize } from '../settings/use-engine.ts';
import { relativeTime } from './care-format.ts';
import { ScrubRunning } from './ScrubRunning.tsx';
import { useScrub } from './use-care.ts';

const INTERVALS: Array<{ days: number; label: string }> = [
  { days: 1, label: 'Every day' },
  { days: 7, label: 'Every week' },
  { days: 14, label: 'Every two weeks' },
  { days: 30, label: 'Every month' },
];
const SHOWN_PROBLEMS = 8;

/**
 * Settings › Library check: how often every original and processed file is read back and compared
 * with the hash it was stored with, what the last check found, and a repair when it found something.
 */
export function ScrubCard({ transport }: { transport: Transport }) {
  const scrub = useScrub(transport);
  const state = scrub.value;
  const { busy } = scrub;
  const apply = (update: Partial<ScrubSettings>) =>
    scrub.change(state && { ...state, settings: { ...state.settings, ...update } }, () => transport.call('care.scrub.set', update), 'The check could not be changed. Try again.');
  const start = (repair: boolean) => scrub.change(null, () => transport.call('care.scrub.start', { repair }), 'The check could not be started. Try again.');
  const last = state?.last ?? null;
  const errors = last?.problems.filter(isVerifyError) ?? [];

  return (
    <section className="card settings-card" aria-labelledby="scrub-title">
      <h2 id="scrub-title">Library check</h2>
      <p className="muted">
        Reads every original and processed file back and compares it with the SHA-256 it was stored with, and checks the database. It waits for an idle moment and steps aside while photos are imported.
      </p>
      {state && (
        <>
          <div className="care-row">
            <label className="upload-check">
              <input type="checkbox" checked={state.settings.enabled} disabled={busy} onChange={(e) => apply({ enabled: e.target.checked })} /> Check automatically
            </label>
            <select aria-label="How often" value={state.settings.intervalDays} disabled={busy || !state.settings.enabled} onChange={(e) => apply({ intervalDays: Number(e.target.value) })}>
              {INTERVALS.map((i) => (
                <option key={i.days} value={i.days}>
                  {i.label}
                </option>
              ))}
            </select>
            <span className="muted care-next">{state.settings.enabled && state.nextAt ? `Next: ${relativeTime(state.nextAt)} (when idle)` : 'Only when asked'}</span>
          </div>
          {state.running ? (
            <ScrubRunning progress={state.running} />
          ) : (
            <div className="care-result" data-ok={last ? last.ok : undefined} aria-label="Last check">
              {last ? (
                <p>
                  <strong>{last.interrupted ? 'Stopped before the end; the next check goes on from there' : last.ok ? 'All files check out' : `${last.errors} problem${last.errors === 1 ? '' : 's'} found`}</strong>
                  <span className="muted">
                    {' '}
                    · {relativeTime(last.at)} · {last.files} files, {formatSize(last.bytes)} read in {Math.round(last.seconds)} s{last.warnings ? ` · ${last.warnings} stray file${last.warnings === 1 ? '' : 's'}` : ''}
                    {last.repaired ? ` · ${last.repaired} repaired` : ''}
                  </span>
                </p>
              ) : (
                <p className="muted">Not checked yet.</p>
              )}
              {errors.length > 0 && (
                <ul className="care-problems" aria-label="Problems found">
                  {errors.slice(0, SHOWN_PROBLEMS).map((p) => (
                    <li key={`${p.code}:${p.path}`}>
                      <code>{p.code}</code> <span className="folder-path">{p.path}</span>
                      <span className="muted"> {p.message}</span>
                    </li>
                  ))}
                  {errors.length > SHOWN_PROBLEMS && <li className="muted">…and {errors.length - SHOWN_PROBLEMS} more (lightbox verify lists them all).</li>}
                </ul>
              )}
            </div>
          )}
          <div className="form-actions">
            {state.running ? (
              <button type="button" className="button" disabled={busy} onClick={() => scrub.change(null, () => transport.call('care.scrub.stop', {}), 'The check could not be stopped.')}>
                Stop
              </button>
            ) : (
              <>
                <button type="button" className="button" disabled={busy} onClick={() => start(false)}>
                  Check now
                </button>
                {errors.length > 0 && (
                  <button type="button" className="button primary" disabled={busy} onClick={() => start(true)}>
                    Check and repair
                  </button>
                )}
              </>
            )}
          </div>
          {errors.length > 0 && !state.running && (
            <p className="field-note">A repair renders processed files again from their original and recipe, and brings back originals from a backup that holds them with the right hash. Anything it replaces goes to the library&apos;s quarantine folder.</p>
          )}
        </>
      )}
      <FormError message={scrub.problem} />
    </section>
  );
}
