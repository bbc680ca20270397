import { FolderEnhance, type EnhanceMode, type FolderPolicy } from '../contract.ts';

const MODE_TEXT: Record<FolderEnhance, string> = {
  library: 'Follow the library setting',
  off: 'Off (only when I ask)',
  propose: 'Propose for review',
  apply: 'Apply when the confidence is at least…',
};

/** What each mode does, for the hint under the choice (shared with the library card). */
export function enhanceHint(mode: EnhanceMode | 'library', percent: number): string {
  switch (mode) {
    case 'off':
      return 'Nothing is proposed on import; "Auto-enhance" on a selection still proposes steps.';
    case 'propose':
      return 'Exposure, contrast, white balance and colour steps are proposed as AI steps and wait in "Needs review".';
    case 'apply':
      return `Steps proposed with ${percent} % confidence or more are applied at once; the others wait in "Needs review".`;
    case 'library':
      return 'Uses the library-wide auto-enhance setting (by default steps are proposed for review).';
  }
}

/** A threshold in percent: a slider and its number. */
export function ThresholdInput({ percent, label, onChange }: { percent: number; label: string; onChange(fraction: number): void }) {
  const set = (value: number) => Number.isFinite(value) && onChange(Math.min(100, Math.max(0, Math.round(value))) / 100);
  return (
    <div className="policy-threshold">
      <input type="range" min={0} max={100} step={1} value={percent} aria-label={label} aria-valuetext={`${percent} %`} onChange={(e) => set(Number(e.target.value))} />
      <input type="number" min={0} max={100} step={1} value={percent} aria-label={`${label} in percent`} onChange={(e) => set(Number(e.target.value))} />
      <span className="muted">%</span>
    </div>
  );
}

/** A folder's auto-enhance policy (issue 12), beside its AI crop review. */
export function EnhanceReviewChoice({ folderId, mode, threshold, onChange }: { folderId: number; mode: FolderEnhance; threshold: number; onChange(patch: Partial<FolderPolicy>): void }) {
  const percent = Math.round(threshold * 100);
  return (
    <fieldset className="policy-group">
      <legend>Auto-enhance (tone and colour)</legend>
      <div className="policy-radios">
        {FolderEnhance.options.map((option) => (
          <label key={option}>
            <input type="radio" name={`folder-${folderId}-enhance`} value={option} checked={mode === option} onChange={() => onChange({ enhance: option })} />
            {MODE_TEXT[option]}
          </label>
        ))}
      </div>
      {mode === 'apply' && <ThresholdInput percent={percent} label="Auto-enhance threshold" onChange={(enhanceThreshold) => onChange({ enhanceThreshold })} />}
      <p className="muted policy-hint">{enhanceHint(mode, percent)}</p>
    </fieldset>
  );
}
