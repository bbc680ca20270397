import type { Transport } from '../transport/index.ts';
import { approve, rejectAiCrop } from './editor-actions.ts';
import { aspectRatio, ASPECTS, fitAspect } from './crop-math.ts';
import { activeSteps, cropOf, cropStepIndex, useEditor } from './editor-store.ts';

const percent = (v: number) => `${Math.round(v * 100)} %`;

/** Crop mode's side panel: aspect presets, straighten, the AI proposals as chips, approve / reject. */
export function CropTools({ transport }: { transport: Transport }) {
  const state = useEditor();
  const { cropDraft, analysis, preview, aspectName } = state;
  if (!cropDraft) return null;
  const steps = activeSteps(state);
  const current = steps[cropStepIndex(steps)];
  const aiCurrent = current && current.source.startsWith('ai:') ? current : undefined;
  const w = preview?.width ?? 3;
  const h = preview?.height ?? 2;
  const setBox = (box: typeof cropDraft, name = aspectName) => state.set({ cropDraft: box, aspectName: name, aspect: aspectRatio(name, w, h) });
  const same = (b: { x: number; y: number; w: number; h: number }) => Math.abs(b.x - cropDraft.x) + Math.abs(b.y - cropDraft.y) + Math.abs(b.w - cropDraft.w) + Math.abs(b.h - cropDraft.h) < 1e-4;

  return (
    <div className="crop-tools">
      <h3>Crop</h3>
      <div className="chips" role="group" aria-label="Aspect ratio">
        {ASPECTS.map((a) => (
          <button key={a.name} type="button" className="chip" title={a.platform} aria-pressed={aspectName === a.name} onClick={() => setBox(fitAspect(cropDraft, aspectRatio(a.name, w, h), w, h), a.name)}>
            {a.label}
          </button>
        ))}
      </div>
      <label className="edit-control">
        <span>Straighten</span>
        <input type="range" min={-45} max={45} step={0.1} value={cropDraft.angle} aria-label="Straighten" onChange={(e) => setBox({ ...cropDraft, angle: Number(e.target.value) })} />
        <input type="number" min={-45} max={45} step={0.1} value={cropDraft.angle} aria-label="Straighten degrees" onChange={(e) => setBox({ ...cropDraft, angle: Math.max(-45, Math.min(45, Number(e.target.value) || 0)) })} />
      </label>
      <h3>AI proposals</h3>
      <div className="proposals" role="list" aria-label="AI crop proposals">
        {aiCurrent && (
          <button type="button" role="listitem" className="chip proposal" aria-pressed={same(cropOf(aiCurrent))} onClick={() => setBox(cropOf(aiCurrent), 'free')}>
            <strong>Current AI crop</strong> <span className="muted">{percent(aiCurrent.confidence ?? 0)}</span>
          </button>
        )}
        {(analysis?.proposals ?? []).map((p, i) => (
          <button key={i} type="button" role="listitem" className="chip proposal" title={p.reason} aria-pressed={same(p.box)} onClick={() => setBox({ ...p.box, angle: p.angle }, p.aspect)}>
            <strong>{p.aspect}</strong> <span className="muted">{percent(p.confidence)}</span>
            <span className="reason">{p.reason}</span>
          </button>
        ))}
        {!aiCurrent && (analysis?.proposals.length ?? 0) === 0 && <p className="muted">No proposals yet: they appear once the photo is analysed.</p>}
      </div>
      <div className="crop-actions">
        <button type="button" className="button primary" onClick={() => void approve(transport)}>
          Approve <kbd>Enter</kbd>
        </button>
        <button type="button" className="button" disabled={!steps.some((s) => s.needsReview)} onClick={() => void rejectAiCrop(transport)}>
          Reject AI crop <kbd>⌫</kbd>
        </button>
      </div>
    </div>
  );
}
