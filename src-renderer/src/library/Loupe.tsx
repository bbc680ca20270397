import { useEffect, useRef, useState } from 'react';
import { ApiError, mediaUrl, type Photo } from '../contract.ts';
import { isTypingTarget } from '../format.ts';
import { useUi } from '../ui-state.ts';
import type { Transport } from '../transport/index.ts';
import { CropTools } from '../editor/CropTools.tsx';
import { followEditor, approve, toggleCropMode } from '../editor/editor-actions.ts';
import { needsReview, useEditor } from '../editor/editor-store.ts';
import { EditorStage } from '../editor/EditorStage.tsx';
import { RecipePanel } from '../editor/RecipePanel.tsx';
import { useEditorKeys } from '../editor/useEditorKeys.ts';
import { usePresets } from '../presets/preset-store.ts';
import { ExifPanel } from './ExifPanel.tsx';
import type { GridLoader } from './grid-loader.ts';
import { useLibrary } from './library-store.ts';

/** Formats a browser shows as they are: 100 % zoom uses the original for these, else the preview. */
const BROWSER_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif']);

/**
 * The large view. The thumbnail shows at once, scaled up; the preview replaces it when it loads
 * (previews may be made by a later job, so a missing one is normal, not an error).
 */
function LoupeImage({ photo, mediaBase, zoomed }: { photo: Photo; mediaBase: string; zoomed: boolean }) {
  const [preview, setPreview] = useState<'loading' | 'ready' | 'missing'>('loading');
  const thumb = mediaUrl(mediaBase, photo.id, 'thumb', photo.mediaRev);
  const large = zoomed && photo.format && BROWSER_FORMATS.has(photo.format) ? mediaUrl(mediaBase, photo.id, 'original', photo.mediaRev) : mediaUrl(mediaBase, photo.id, 'preview', photo.mediaRev);
  // 100 %: one image pixel per device pixel, which is what sharpness is judged at.
  const zoomSize = zoomed && photo.width && photo.height ? { width: photo.width / window.devicePixelRatio, height: photo.height / window.devicePixelRatio } : undefined;
  return (
    <div className="loupe-stage" data-zoomed={zoomed} tabIndex={zoomed ? 0 : -1} aria-label={zoomed ? 'Photo at 100 %, scroll to pan' : undefined}>
      {photo.mediaRev === 0 ? (
        <p className="loupe-pending muted">{photo.stage === 'failed' ? 'Lightbox could not make a preview of this file.' : 'The preview is being made…'}</p>
      ) : (
        <>
          {preview !== 'ready' && !zoomed && <img className="loupe-img loupe-thumb" src={thumb} alt="" />}
          <img
            key={large}
            className="loupe-img"
            src={large}
            alt={`${photo.fileName}${zoomed ? ' at 100 %' : ''}`}
            style={zoomSize ? { ...zoomSize, maxWidth: 'none', maxHeight: 'none' } : undefined}
            data-state={preview}
            onLoad={() => setPreview('ready')}
            onError={() => setPreview('missing')}
          />
        </>
      )}
      {preview === 'missing' && photo.mediaRev > 0 && <p className="loupe-note">The large preview is not made yet; showing the thumbnail.</p>}
    </div>
  );
}

export function Loupe({ transport, loader }: { transport: Transport; loader: GridLoader }) {
  const loupeId = useLibrary((s) => s.loupeId);
  const photo = useLibrary((s) => (s.loupeId === null ? undefined : s.byId.get(s.loupeId)));
  const zoomed = useLibrary((s) => s.zoomed);
  const focus = useLibrary((s) => s.focus);
  const total = useLibrary((s) => s.total);
  const [error, setError] = useState<string | null>(null);
  const root = useRef<HTMLElement>(null);
  const editor = useEditor();
  useEditorKeys(transport, loupeId !== null);
  useEffect(() => (loupeId === null ? undefined : followEditor(transport, loupeId)), [loupeId, transport]);
  // The photo looked at goes ahead of the background backlog (its analysis, render, upload).
  // Best effort: a lost connection only means it waits its turn.
  useEffect(() => {
    transport.call('queue.focus', { photoId: loupeId }).catch(() => {});
  }, [loupeId, transport]);

  // After a reload the open photo may not be in a loaded page: fetch it on its own.
  useEffect(() => {
    if (loupeId === null || photo) return;
    transport.call('photos.get', { id: loupeId }).then(
      (found) => useLibrary.getState().upsertPhotos([found]),
      (caught: unknown) => setError(caught instanceof ApiError ? caught.message : 'This photo could not be loaded.'),
    );
  }, [loupeId, photo, transport]);

  useEffect(() => {
    if (loupeId !== null) root.current?.focus({ preventScroll: true });
  }, [loupeId]);

  const step = async (delta: number) => {
    const target = focus + delta;
    if (target < 0 || target >= total) return;
    const [id] = await loader.idsBetween(target, target);
    if (id === undefined) return;
    const state = useLibrary.getState();
    state.setFocus(target);
    state.setSelection(new Set([id]), target);
    state.openLoupe(id);
  };
  // Back in the grid the keyboard carries on from the same photo: LibraryView gives the grid focus
  // once it is shown again.
  const close = () => useLibrary.getState().openLoupe(null);

  useEffect(() => {
    if (loupeId === null) return;
    const onKey = (event: KeyboardEvent) => {
      if (isTypingTarget(event.target) || useUi.getState().help || usePresets.getState().dialog || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'ArrowRight') void step(1);
      else if (event.key === 'ArrowLeft') void step(-1);
      else if (event.key === 'Escape') close();
      else if (event.key === 'z' || event.key === 'Z') useLibrary.getState().setZoomed(!useLibrary.getState().zoomed);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (loupeId === null) return null;
  return (
    <section ref={root} className="loupe" role="dialog" aria-label={`Loupe: ${photo?.fileName ?? 'photo'}`} tabIndex={-1}>
      <div className="loupe-toolbar">
        <button type="button" onClick={close}>
          ← Grid <kbd>Esc</kbd>
        </button>
        <span className="loupe-position muted">{total > 0 ? `${focus + 1} of ${total}` : ''}</span>
        <div className="loupe-actions">
          <button type="button" onClick={() => void step(-1)} disabled={focus <= 0} aria-label="Previous photo">
            ‹ Previous
          </button>
          <button type="button" onClick={() => void step(1)} disabled={focus >= total - 1} aria-label="Next photo">
            Next ›
          </button>
          <button type="button" aria-pressed={zoomed} onClick={() => useLibrary.getState().setZoomed(!zoomed)}>
            {zoomed ? 'Fit' : '100 %'} <kbd>Z</kbd>
          </button>
          <button type="button" aria-pressed={editor.cropMode} onClick={() => void toggleCropMode(transport)}>
            Crop <kbd>C</kbd>
          </button>
          <button type="button" aria-pressed={editor.before} onClick={() => editor.set({ before: !editor.before })}>
            Before <kbd>\</kbd>
          </button>
          <button type="button" aria-pressed={editor.split !== null} onClick={() => editor.set({ split: editor.split === null ? 0.5 : null })}>
            Split
          </button>
          <button type="button" aria-pressed={editor.boxes} onClick={() => editor.set({ boxes: !editor.boxes })}>
            Faces &amp; objects
          </button>
          {needsReview(editor.stored) && (
            <button type="button" className="primary" onClick={() => void approve(transport)}>
              Approve <kbd>Enter</kbd>
            </button>
          )}
        </div>
      </div>
      <div className="loupe-body">
        {!photo ? (
          <p className="loupe-pending muted">{error ?? 'Loading…'}</p>
        ) : zoomed || photo.mediaRev === 0 ? (
          <LoupeImage key={photo.id} photo={photo} mediaBase={transport.mediaBase} zoomed={zoomed} />
        ) : (
          <EditorStage photo={photo} mediaBase={transport.mediaBase} />
        )}
        {photo && (
          <div className="loupe-side">
            {editor.cropMode ? <CropTools transport={transport} /> : <RecipePanel transport={transport} onSavePreset={() => usePresets.getState().set({ dialog: 'save', error: null })} />}
            <ExifPanel photo={photo} transport={transport} />
          </div>
        )}
      </div>
    </section>
  );
}
