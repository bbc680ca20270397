import { memo, useState } from 'react';
import { mediaUrl, type Photo } from '../contract.ts';
import { STAGE_TEXT, duplicateBadge } from '../format.ts';
import { useLibrary } from './library-store.ts';
import { gapText } from '../model-fetch.ts';

function Thumbnail({ photo, src, show }: { photo: Photo; src: string; show: boolean }) {
  // Which src (at which stage) failed to load: a new mediaRev or stage asks again. Not a React key,
  // so a recycled tile keeps its <img> and only swaps the src.
  const attempt = `${src}|${photo.stage}`;
  const [brokenAttempt, setBrokenAttempt] = useState<string | null>(null);
  // The engine bumps mediaRev when it has written the thumbnail: rev 0 means there is nothing to ask for yet.
  if (brokenAttempt === attempt || photo.mediaRev === 0) {
    return (
      <span className="thumb-placeholder" title={photo.error?.message}>
        {photo.stage === 'failed' ? (photo.error ? photo.error.message : 'Processing failed; see Queue') : 'Preview pending'}
      </span>
    );
  }
  // Not shown yet (scrolling fast): the same element without a src, so nothing is requested and the
  // element is kept for when the scroll settles.
  return <img src={show ? src : undefined} alt="" draggable={false} decoding="async" onError={() => setBrokenAttempt(attempt)} />;
}

export type TileHandlers = {
  onPointer(index: number, id: number, event: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }): void;
  onOpen(index: number, id: number): void;
};

/**
 * One cell. It subscribes to its own slot, photo, selection and focus, so a live update re-renders
 * the one tile that changed, not the grid.
 */
export const GridTile = memo(function GridTile({
  index,
  width,
  height,
  mediaBase,
  handlers,
  showImage,
}: {
  index: number;
  width: number;
  height: number;
  mediaBase: string;
  handlers: TileHandlers;
  showImage: boolean;
}) {
  const id = useLibrary((s) => s.slots[index]);
  const photo = useLibrary((s) => (id === undefined ? undefined : s.byId.get(id)));
  const selected = useLibrary((s) => id !== undefined && s.selection.has(id));
  const focused = useLibrary((s) => s.focus === index);
  const style = { width, height };

  if (id === undefined || !photo) {
    // The same boxes as a loaded tile, empty: when the page arrives (or the row is recycled) React
    // fills in text and attributes instead of building the cell's elements again.
    return (
      <div role="gridcell" id={`photo-cell-${index}`} aria-label={`Photo ${index + 1}, loading`} className="tile tile-loading" style={style}>
        <div className="thumb" />
        <div className="caption" />
      </div>
    );
  }
  const src = mediaUrl(mediaBase, photo.id, 'thumb', photo.mediaRev);
  const duplicate = duplicateBadge(photo.duplicates);
  // Not failed: analysed without a model that is missing, and analysed again when it arrives.
  const incomplete = photo.analysisGaps?.length ? `Analysis incomplete: ${gapText(photo.analysisGaps)}` : null;
  return (
    <div
      role="gridcell"
      id={`photo-cell-${index}`}
      aria-label={photo.fileName}
      aria-selected={selected}
      className="tile"
      data-stage={photo.stage}
      data-flag={photo.flag ?? undefined}
      data-focused={focused}
      style={style}
      title={photo.sourcePath}
      onClick={(e) => handlers.onPointer(index, photo.id, e)}
      onDoubleClick={() => handlers.onOpen(index, photo.id)}
    >
      <div className="thumb">
        <Thumbnail photo={photo} src={src} show={showImage} />
        {/* Not a stage: a rendered photo can have been dropped twice too. On the picture, so the caption keeps its room for the name. */}
        {duplicate && (
          <span className="duplicate-badge" aria-label={duplicate.label} title={duplicate.label}>
            {duplicate.text}
          </span>
        )}
        {incomplete && (
          <span className="incomplete-badge" title={incomplete}>
            {incomplete}
          </span>
        )}
      </div>
      <div className="caption">
        {photo.flag && (
          <span className="flag" data-flag={photo.flag} aria-label={photo.flag === 'pick' ? 'Picked' : 'Rejected'}>
            {photo.flag === 'pick' ? '⚑' : '✕'}
          </span>
        )}
        <span className="file-name">{photo.fileName}</span>
        {(photo.rating ?? 0) > 0 && (
          <span className="stars" aria-label={`${photo.rating} stars`}>
            {'★'.repeat(photo.rating ?? 0)}
          </span>
        )}
        <span className="badge" data-stage={photo.stage}>
          {STAGE_TEXT[photo.stage]}
        </span>
      </div>
    </div>
  );
});
