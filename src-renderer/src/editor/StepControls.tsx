import type { RecipeStep, RecipeStepInput } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { editSteps } from './editor-actions.ts';
import { useEditor } from './editor-store.ts';
import { opLabel, opSpec, paramOf, paramValue, withParamChanged, type Control, type Slider } from './op-table.ts';

type Props = { transport: Transport; index: number; step: RecipeStep | RecipeStepInput };

const changed = (index: number, key: string, value: unknown) => editSteps.current().map((s, i) => (i === index ? withParamChanged(s, key, value) : s));
const commitDraft = (transport: Transport) => {
  const { draft } = useEditor.getState();
  if (draft) void editSteps.commit(transport, draft);
};

/** Every control of one step that applies to its current params (a TIFF has a bit depth, a JPEG a quality). */
export function StepControls({ transport, index, step }: Props) {
  const spec = opSpec(step.op);
  if (!spec) return null;
  const params = (step.params ?? {}) as Record<string, unknown>;
  return (
    <>
      {spec.controls
        .filter((control) => control.when?.(params) ?? true)
        .map((control) => (
          <ControlView key={control.key} transport={transport} index={index} step={step} control={control} />
        ))}
    </>
  );
}

function ControlView({ transport, index, step, control }: Props & { control: Control }) {
  const label = `${opLabel(step.op)} ${control.label}`.replace(/^(\w+) \1$/, '$1');
  const commit = (value: unknown) => void editSteps.commit(transport, changed(index, control.key, value));
  const value = paramOf(step, control.key);
  switch (control.kind) {
    case 'range':
      return <RangeControl transport={transport} index={index} step={step} slider={control} label={label} />;
    case 'choice':
      return (
        <label className="edit-control">
          <span>{control.label}</span>
          <select aria-label={label} value={String(value)} onChange={(e) => commit(control.options.find((o) => String(o.value) === e.target.value)?.value)}>
            {control.options.map((o) => (
              <option key={o.value} value={String(o.value)}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      );
    case 'toggle':
      return (
        <label className="edit-control toggle">
          <input type="checkbox" aria-label={label} checked={value === true} onChange={(e) => commit(e.target.checked)} />
          <span>{control.label}</span>
        </label>
      );
    case 'text':
    case 'colour':
      // Typing and picking only preview; leaving the field (or Enter) stores one revision, not one per key.
      return (
        <label className="edit-control">
          <span>{control.label}</span>
          <input
            type={control.kind === 'colour' ? 'color' : 'text'}
            aria-label={label}
            value={typeof value === 'string' ? value : ''}
            {...(control.kind === 'text' ? { maxLength: control.maxLength } : {})}
            onChange={(e) => editSteps.draft(changed(index, control.key, e.target.value))}
            onBlur={() => commitDraft(transport)}
            onKeyDown={(e) => e.key === 'Enter' && commitDraft(transport)}
          />
        </label>
      );
    case 'pixels':
      return (
        <label className="edit-control">
          <span>{control.label}</span>
          <input
            type="number"
            min={1}
            max={65535}
            step={1}
            aria-label={`${label} (px)`}
            placeholder={control.optional ? 'auto' : undefined}
            value={typeof value === 'number' ? value : ''}
            onChange={(e) => {
              const typed = e.target.value === '' ? undefined : Math.round(Number(e.target.value));
              if (typed === undefined ? control.optional : Number.isFinite(typed) && typed >= 1 && typed <= 65535) commit(typed);
            }}
          />
        </label>
      );
  }
}

/** One slider with its number field: dragging only previews, letting go (or typing) stores. */
function RangeControl({ transport, index, step, slider, label }: Props & { slider: Slider; label: string }) {
  const value = paramValue(step, slider.key);
  const clamp = (v: number) => Math.min(slider.max, Math.max(slider.min, v));
  const decimals = slider.step < 0.01 ? 3 : 2;
  return (
    <label className="edit-control">
      <span>{slider.label}</span>
      <input
        type="range"
        min={slider.min}
        max={slider.max}
        step={slider.step}
        value={value}
        aria-label={label}
        onChange={(e) => editSteps.draft(changed(index, slider.key, Number(e.target.value)))}
        onPointerUp={() => commitDraft(transport)}
        onKeyUp={() => commitDraft(transport)}
      />
      <input
        type="number"
        min={slider.min}
        max={slider.max}
        step={slider.step}
        value={Number(value.toFixed(decimals))}
        aria-label={`${label} value${slider.unit ? ` (${slider.unit})` : ''}`}
        onChange={(e) => {
          const typed = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(typed)) void editSteps.commit(transport, changed(index, slider.key, clamp(typed)));
        }}
      />
    </label>
  );
}
