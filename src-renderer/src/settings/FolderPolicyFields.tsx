import { useEffect, useState } from 'react';
import { CropReview, type FolderPolicy } from '../contract.ts';
import { loadPresets, usePresets } from '../presets/preset-store.ts';
import type { Transport } from '../transport/index.ts';
import { EnhanceReviewChoice, ThresholdInput } from './EnhanceReviewChoice.tsx';

const REVIEW_TEXT: Record<CropReview, string> = {
  library: 'Follow the library setting',
  always: 'Always review',
  threshold: 'Approve when the confidence is at least…',
  never: 'Never review (approve at once)',
};

type Props = {
  folderId: number;
  policy: FolderPolicy;
  transport: Transport;
  onChange(patch: Partial<FolderPolicy>): void;
};

/** A folder's processing policy: presets applied to every photo it brings in, and how AI crops are reviewed. */
export function FolderPolicyFields({ folderId, policy, transport, onChange }: Props) {
  return (
    <div className="policy">
      <PresetPicker folderId={folderId} chosen={policy.presets} transport={transport} onChange={(presets) => onChange({ presets })} />
      <CropReviewChoice folderId={folderId} mode={policy.cropReview} threshold={policy.cropThreshold} onChange={onChange} />
      <EnhanceReviewChoice folderId={folderId} mode={policy.enhance} threshold={policy.enhanceThreshold} onChange={onChange} />
    </div>
  );
}

/** Ordered: the presets are applied top to bottom, so a later one wins where both set the same thing. */
function PresetPicker({ folderId, chosen, transport, onChange }: { folderId: number; chosen: string[]; transport: Transport; onChange(ids: string[]): void }) {
  const presets = usePresets((s) => s.presets);
  const [adding, setAdding] = useState('');
  // Fresh on every visit to Settings: a preset saved in the loupe a minute ago is offered here.
  useEffect(() => void loadPresets(transport), [transport]);
  const nameOf = (id: string) => presets.find((p) => p.id === id)?.name ?? null;
  const available = presets.filter((p) => !chosen.includes(p.id));
  const move = (from: number, to: number) => {
    const next = [...chosen];
    const [id] = next.splice(from, 1);
    next.splice(to, 0, id!);
    onChange(next);
  };
  const selectId = `folder-${folderId}-add-preset`;

  return (
    <fieldset className="policy-group">
      <legend>Presets applied to each new photo</legend>
      {chosen.length === 0 ? (
        presets.length > 0 && <p className="muted policy-empty">None: photos arrive without edits.</p>
      ) : (
        <ol className="policy-presets" aria-label="Presets applied on import">
          {chosen.map((id, index) => {
            const name = nameOf(id);
            const label = name ?? `deleted preset ${id}`;
            return (
              <li key={id} className="policy-preset" data-missing={name === null}>
                <span className="policy-preset-order" aria-hidden="true">
                  {index + 1}
                </span>
                <span className="policy-preset-name">{name ?? <span title={id}>Deleted preset (skipped on import)</span>}</span>
                <button type="button" className="icon-button" aria-label={`Move ${label} up`} disabled={index === 0} onClick={() => move(index, index - 1)}>
                  ↑
                </button>
                <button type="button" className="icon-button" aria-label={`Move ${label} down`} disabled={index === chosen.length - 1} onClick={() => move(index, index + 1)}>
                  ↓
                </button>
                <button type="button" className="icon-button" aria-label={`Remove ${label}`} onClick={() => onChange(chosen.filter((c) => c !== id))}>
                  ×
                </button>
              </li>
            );
          })}
        </ol>
      )}
      {presets.length === 0 ? (
        <p className="muted policy-empty">No presets yet: save one from a photo's recipe panel, then choose it here.</p>
      ) : (
        <div className="policy-add">
          <label htmlFor={selectId}>Add a preset</label>
          <select id={selectId} value={adding} disabled={available.length === 0} onChange={(e) => setAdding(e.target.value)}>
            <option value="">{available.length === 0 ? 'Every preset is in the list' : 'Choose a preset…'}</option>
            {available.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button"
            disabled={adding === '' || chosen.includes(adding)}
            onClick={() => {
              onChange([...chosen, adding]);
              setAdding('');
            }}
          >
            Add preset
          </button>
        </div>
      )}
    </fieldset>
  );
}

function CropReviewChoice({ folderId, mode, threshold, onChange }: { folderId: number; mode: CropReview; threshold: number; onChange(patch: Partial<FolderPolicy>): void }) {
  const percent = Math.round(threshold * 100);
  return (
    <fieldset className="policy-group">
      <legend>AI crop review</legend>
      <div className="policy-radios">
        {CropReview.options.map((option) => (
          <label key={option}>
            <input type="radio" name={`folder-${folderId}-crop-review`} value={option} checked={mode === option} onChange={() => onChange({ cropReview: option })} />
            {REVIEW_TEXT[option]}
          </label>
        ))}
      </div>
      {mode === 'threshold' && <ThresholdInput percent={percent} label="Approval threshold" onChange={(cropThreshold) => onChange({ cropThreshold })} />}
      <p className="muted policy-hint">
        {mode === 'threshold'
          ? `Crops proposed with ${percent} % confidence or more are approved and rendered at once; the others wait in "Needs review".`
          : mode === 'never'
            ? 'Every proposed crop is approved and rendered at once. You can still change it in the loupe.'
            : mode === 'always'
              ? 'Every proposed crop waits in "Needs review" until you approve it.'
              : 'Uses the library-wide auto-approve setting (by default every crop waits for review).'}
      </p>
    </fieldset>
  );
}
