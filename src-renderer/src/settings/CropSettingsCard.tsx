import { CropAspect, type CropSettings } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { ASPECTS } from '../editor/crop-math.ts';
import { useEngineSetting } from './use-engine.ts';
import { FormError } from '../components/FormError.tsx';

const aspectLabel = (aspect: CropAspect) => {
  const known = ASPECTS.find((a) => a.name === aspect);
  return known ? `${known.label}${known.platform ? ` (${known.platform})` : ''}` : aspect;
};

/** Library-wide AI crop choices; a watched folder can set its own review rule. */
export function CropSettingsCard({ transport }: { transport: Transport }) {
  const crop = useEngineSetting<CropSettings>(transport, () => transport.call('crop.settings.get', {}), 'The AI crop settings could not be read.');
  const { busy } = crop;
  const settings = crop.value;
  const apply = (update: Partial<CropSettings>) =>
    crop.change(settings && { ...settings, ...update }, () => transport.call('crop.settings.set', update), 'The AI crop setting could not be changed. Try again.');
  const percent = settings?.autoApprove === null || settings?.autoApprove === undefined ? null : Math.round(settings.autoApprove * 100);

  return (
    <section className="card settings-card" aria-labelledby="crop-settings-title">
      <h2 id="crop-settings-title">AI crops</h2>
      <p className="muted">After analysis, the best proposal for this aspect becomes each photo&apos;s crop. The other aspects stay one click away in crop mode.</p>
      {settings && (
        <div className="crop-settings">
          <label className="crop-row">
            <span>Crop to</span>
            <select value={settings.aspect} disabled={busy} onChange={(e) => apply({ aspect: CropAspect.parse(e.target.value) })}>
              {CropAspect.options.map((aspect) => (
                <option key={aspect} value={aspect}>
                  {aspectLabel(aspect)}
                </option>
              ))}
            </select>
          </label>
          <label className="upload-check">
            <input type="checkbox" checked={percent !== null} disabled={busy} onChange={(e) => apply({ autoApprove: e.target.checked ? 0.9 : null })} /> Approve confident crops without review
          </label>
          {percent !== null && (
            <label className="crop-row">
              <span>From</span>
              <input
                type="number"
                min={0}
                max={100}
                step={1}
                aria-label="Auto-approve from confidence (percent)"
                value={percent}
                disabled={busy}
                onChange={(e) => e.target.value !== '' && apply({ autoApprove: Math.min(100, Math.max(0, Number(e.target.value))) / 100 })}
              />
              <span className="muted">% confidence; below it a crop waits in &quot;Needs review&quot;.</span>
            </label>
          )}
          <p className="field-note">A watched folder can choose its own review rule above; this one applies to the others and to <code>lightbox process</code>.</p>
        </div>
      )}
      <FormError message={crop.problem} />
    </section>
  );
}
