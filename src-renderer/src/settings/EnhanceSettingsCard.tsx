import { EnhanceMode, type EnhanceSettings } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { useEngineSetting } from './use-engine.ts';
import { FormError } from '../components/FormError.tsx';
import { enhanceHint, ThresholdInput } from './EnhanceReviewChoice.tsx';

const MODE_TEXT: Record<EnhanceMode, string> = { off: 'Off', propose: 'Propose for review', apply: 'Apply confident steps at once' };

/** Library-wide auto-enhance policy; a watched folder can choose its own. */
export function EnhanceSettingsCard({ transport }: { transport: Transport }) {
  const enhance = useEngineSetting<EnhanceSettings>(transport, () => transport.call('enhance.settings.get', {}), 'The auto-enhance settings could not be read.');
  const settings = enhance.value;
  const apply = (update: Partial<EnhanceSettings>) =>
    enhance.change(settings && { ...settings, ...update }, () => transport.call('enhance.settings.set', update), 'The auto-enhance setting could not be changed. Try again.');
  const percent = Math.round((settings?.threshold ?? 0.8) * 100);
  return (
    <section className="card settings-card" aria-labelledby="enhance-settings-title">
      <h2 id="enhance-settings-title">Auto-enhance</h2>
      <p className="muted">After analysis, exposure, contrast, highlights and shadows, white balance and vibrance are proposed per photo as AI steps, each with its confidence and reason. A photo that needs nothing gets nothing.</p>
      {settings && (
        <div className="crop-settings">
          <label className="crop-row">
            <span>New photos</span>
            <select value={settings.mode} disabled={enhance.busy} aria-label="Auto-enhance for new photos" onChange={(e) => apply({ mode: EnhanceMode.parse(e.target.value) })}>
              {EnhanceMode.options.map((mode) => (
                <option key={mode} value={mode}>
                  {MODE_TEXT[mode]}
                </option>
              ))}
            </select>
          </label>
          {settings.mode === 'apply' && <ThresholdInput percent={percent} label="Apply auto-enhance from confidence" onChange={(threshold) => apply({ threshold })} />}
          <p className="field-note">{enhanceHint(settings.mode, percent)} A watched folder can choose its own rule above.</p>
        </div>
      )}
      <FormError message={enhance.problem} />
    </section>
  );
}
