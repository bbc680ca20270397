import { useState } from 'react';
import type { RecipeStep, RecipeStepInput } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { AiChip } from './AiChip.tsx';
import { autoEnhance, decideStep, editSteps, undoRedo } from './editor-actions.ts';
import { activeSteps, useEditor } from './editor-store.ts';
import { ADDABLE, isEditable, newUserStep, opLabel, opSpec, sourceKind } from './op-table.ts';
import { StepControls } from './StepControls.tsx';
import { FormError } from '../components/FormError.tsx';

const BADGE = { user: 'User', preset: 'Preset', ai: 'AI' } as const;

function StepRow({ transport, index, step }: { transport: Transport; index: number; step: RecipeStep | RecipeStepInput }) {
  const spec = opSpec(step.op);
  const kind = sourceKind(step.source);
  const change = (next: RecipeStepInput[]) => void editSteps.commit(transport, next);
  const editable = isEditable(step) && step.op !== 'crop';
  return (
    <li className="step" data-enabled={step.enabled} aria-label={`${opLabel(step.op)} step`}>
      <div className="step-head">
        <input
          type="checkbox"
          checked={step.enabled}
          aria-label={`Enable ${opLabel(step.op)}`}
          onChange={(e) => change(editSteps.current().map((s, i) => (i === index ? { ...s, enabled: e.target.checked } : s)))}
        />
        <span className="step-name">{opLabel(step.op)}</span>
        {kind === 'ai' ? (
          <AiChip step={step} />
        ) : (
          <span className={`badge source-${kind}`} title={step.source}>
            {BADGE[kind]}
          </span>
        )}
        {step.needsReview && <span className="badge review">Review</span>}
        <span className="step-buttons">
          {spec && step.op !== 'crop' && (
            <button type="button" className="link" aria-label={`Reset ${opLabel(step.op)}`} onClick={() => change(editSteps.current().map((s, i) => (i === index ? { ...s, v: spec.v, params: { ...spec.defaults } } : s)))}>
              Reset
            </button>
          )}
          <button type="button" className="link" aria-label={`Remove ${opLabel(step.op)}`} onClick={() => change(editSteps.current().filter((_, i) => i !== index))}>
            Remove
          </button>
        </span>
      </div>
      {kind === 'ai' && step.reason && <p className="muted step-note step-reason">{step.reason}</p>}
      {step.needsReview && step.enabled && <ReviewButtons transport={transport} index={index} label={opLabel(step.op)} />}
      {editable && <StepControls transport={transport} index={index} step={step} />}
      {step.op === 'crop' && <p className="muted step-note">Press C to edit the crop.</p>}
      {!spec && <p className="muted step-note">Set by a preset; remove it here or change the preset.</p>}
    </li>
  );
}

/** Accept or turn down one AI step (the others keep waiting); disabled while an edit is on its way. */
function ReviewButtons({ transport, index, label }: { transport: Transport; index: number; label: string }) {
  const drafting = useEditor((s) => s.draft !== null);
  return (
    <div className="step-review">
      <button type="button" className="button small" disabled={drafting} aria-label={`Accept AI ${label}`} onClick={() => void decideStep(transport, index, 'approve')}>
        Accept
      </button>
      <button type="button" className="button small quiet" disabled={drafting} aria-label={`Reject AI ${label}`} onClick={() => void decideStep(transport, index, 'reject')}>
        Reject
      </button>
    </div>
  );
}

/** The loupe's side panel: the recipe's steps with their controls, undo/redo, add an adjustment. */
export function RecipePanel({ transport, onSavePreset }: { transport: Transport; onSavePreset(): void }) {
  const state = useEditor();
  const steps = activeSteps(state);
  const { stored, error, busy, preview } = state;
  const [note, setNote] = useState<string | null>(null);
  return (
    <aside className="recipe-panel" aria-label="Recipe">
      <div className="recipe-head">
        <h3>Recipe</h3>
        <button type="button" className="button" aria-label="Undo" title="Undo (Ctrl/⌘+Z)" disabled={!stored?.canUndo} onClick={() => void undoRedo(transport, 'recipe.undo')}>
          ↶
        </button>
        <button type="button" className="button" aria-label="Redo" title="Redo (Shift+Ctrl/⌘+Z)" disabled={!stored?.canRedo} onClick={() => void undoRedo(transport, 'recipe.redo')}>
          ↷
        </button>
      </div>
      <p className="muted recipe-status" role="status">
        {stored ? `Revision ${stored.revision}` : 'Loading…'}
        {stored?.renderedRevision ? ` · rendered ${stored.renderedRevision}` : ''}
        {busy ? ' · previewing…' : preview ? ` · preview ${Math.round(preview.ms)} ms` : ''}
      </p>
      <FormError message={error} />
      {steps.length === 0 ? <p className="muted">No edits yet. Add an adjustment below, press C to crop, or apply a preset.</p> : null}
      <ol className="steps">
        {steps.map((step, i) => (
          <StepRow key={i} transport={transport} index={i} step={step} />
        ))}
      </ol>
      <label className="edit-control add-step">
        <span>Add</span>
        <select
          aria-label="Add adjustment"
          value=""
          onChange={(e) => {
            const spec = ADDABLE.find((s) => s.op === e.target.value);
            if (spec) void editSteps.commit(transport, [...editSteps.current(), newUserStep(spec)]);
          }}
        >
          <option value="">Adjustment…</option>
          {ADDABLE.map((s) => (
            <option key={s.op} value={s.op}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <div className="recipe-actions">
        <button type="button" className="button" disabled={!stored} title="Propose exposure, contrast, white balance and colour for this photo" onClick={() => void autoEnhance(transport).then(setNote)}>
          Auto-enhance
        </button>
        <button type="button" className="button" disabled={steps.length === 0} onClick={onSavePreset}>
          Save as preset…
        </button>
      </div>
      {note && (
        <p className="muted step-note" role="status">
          {note}
        </p>
      )}
    </aside>
  );
}
