import { mediaUrl, type Box, type Photo } from '../contract.ts';
import { CropOverlay } from './CropOverlay.tsx';
import { useEditor } from './editor-store.ts';

const PAD = 16;
const pct = (v: number) => `${(v * 100).toFixed(3)}%`;

function Boxes({ boxes }: { boxes: Array<{ box: Box; label: string }> }) {
  return (
    <div className="detections" aria-label="Faces and objects">
      {boxes.map((b, i) => (
        <div key={i} className="detection" style={{ left: pct(b.box.x), top: pct(b.box.y), width: pct(b.box.w), height: pct(b.box.h) }}>
          <span>{b.label}</span>
        </div>
      ))}
    </div>
  );
}

/**
 * The edited photo: render.preview's output fitted into the stage, with the crop overlay, the
 * faces/objects boxes, and before/after (toggle or split). The image and every overlay share one
 * fitted rectangle, so fractions of the photo are fractions of that rectangle.
 */
export function EditorStage({ photo, mediaBase }: { photo: Photo; mediaBase: string }) {
  const { preview, cropMode, cropDraft, aspect, before, split, boxes, analysis, busy } = useEditor();
  const set = useEditor((s) => s.set);
  const original = mediaUrl(mediaBase, photo.id, 'preview', photo.mediaRev);

  if (!preview || preview.photoId !== photo.id) {
    return (
      <div className="loupe-stage editor-stage" data-zoomed="false">
        <img className="loupe-img" src={original} alt={photo.fileName} />
        <p className="loupe-note">Making the edited preview…</p>
      </div>
    );
  }
  // Fitted by CSS alone (the stage is a size container): no measuring, so no frame of a stale size.
  const ratio = preview.width / preview.height;
  const frame = { width: `min(calc(100cqw - ${2 * PAD}px), calc((100cqh - ${2 * PAD}px) * ${ratio}))`, aspectRatio: `${preview.width} / ${preview.height}` };
  // Crop and split show the whole frame (geometry off), so the unedited preview lines up with it.
  const wholeFrame = cropMode || split !== null || boxes;
  const detections = boxes && wholeFrame
    ? [...(analysis?.faces ?? []).map((f) => ({ box: f.box, label: `face ${Math.round(f.confidence * 100)} %` })), ...(analysis?.objects ?? []).map((o) => ({ box: o.box, label: o.label }))]
    : [];

  return (
    <div className="loupe-stage editor-stage" data-zoomed="false" data-busy={busy}>
      {before && !cropMode ? (
        <img className="loupe-img" src={original} alt={`${photo.fileName}, before`} />
      ) : (
        <div className="edit-frame" style={frame}>
          {split !== null && <img className="frame-img" src={original} alt={`${photo.fileName}, before`} />}
          <img
            className="frame-img"
            src={preview.dataUrl}
            alt={`${photo.fileName}, edited preview`}
            data-testid="edited-preview"
            style={{
              ...(split !== null ? { clipPath: `inset(0 0 0 ${pct(split)})` } : {}),
              ...(cropMode && cropDraft?.angle ? { transform: `rotate(${-cropDraft.angle}deg)` } : {}),
            }}
          />
          {split !== null && <div className="split-line" style={{ left: pct(split) }} aria-hidden="true" />}
          {detections.length > 0 && <Boxes boxes={detections} />}
          {cropMode && cropDraft && <CropOverlay box={cropDraft} ratio={aspect} imageW={preview.width} imageH={preview.height} onChange={(box) => set({ cropDraft: box })} />}
        </div>
      )}
      {split !== null && !cropMode && (
        <input className="split-slider" type="range" min={0} max={1} step={0.001} value={split} aria-label="Before/after split" onChange={(e) => set({ split: Number(e.target.value) })} />
      )}
      {before && !cropMode && <p className="loupe-note">Before: the photo without edits. Press \ for after.</p>}
    </div>
  );
}
