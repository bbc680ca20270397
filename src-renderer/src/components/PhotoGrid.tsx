import { useMemo, useState } from 'react';
import { mediaUrl, type Photo, type PhotoStage } from '../contract.ts';
import { sortedPhotos, useLightbox } from '../store.ts';

const STAGE_TEXT: Record<PhotoStage, string> = {
  new: 'New',
  processing: 'Processing',
  ingested: 'Ingested',
  analysing: 'Analysing',
  'needs-review': 'Needs review',
  approved: 'Approved',
  rendered: 'Rendered',
  uploaded: 'Uploaded',
  failed: 'Failed',
};

function Thumbnail({ photo, src }: { photo: Photo; src: string }) {
  const [broken, setBroken] = useState(false);
  // The engine bumps mediaRev when it has written the thumbnail: rev 0 means there is nothing to ask for yet.
  if (broken || photo.mediaRev === 0) {
    return <span className="thumb-placeholder">{photo.stage === 'failed' ? 'No preview' : 'Preview pending'}</span>;
  }
  return <img src={src} alt={`Thumbnail of ${photo.fileName}`} loading="lazy" decoding="async" onError={() => setBroken(true)} />;
}

function PhotoTile({ photo, mediaBase }: { photo: Photo; mediaBase: string }) {
  const src = mediaUrl(mediaBase, photo.id, 'thumb', photo.mediaRev);
  return (
    <li role="listitem" aria-label={photo.fileName} className="tile" data-stage={photo.stage}>
      <div className="thumb">
        {/* A new mediaRev or stage remounts the image, so a thumbnail that was not ready is asked for again. */}
        <Thumbnail key={`${src}|${photo.stage}`} photo={photo} src={src} />
      </div>
      <div className="caption">
        <span className="file-name" title={photo.sourcePath}>
          {photo.fileName}
        </span>
        <span className="badge" data-stage={photo.stage}>
          {STAGE_TEXT[photo.stage]}
        </span>
      </div>
      {photo.error && (
        <p className="photo-error">
          <span className="error-code">{photo.error.code}</span> {photo.error.message}
        </p>
      )}
    </li>
  );
}

export function PhotoGrid({ mediaBase }: { mediaBase: string }) {
  const photos = useLightbox((s) => s.photos);
  const total = useLightbox((s) => s.totalPhotos);
  const loaded = useLightbox((s) => s.loaded);
  const folders = useLightbox((s) => s.folders);
  const list = useMemo(() => sortedPhotos(photos), [photos]);

  if (!loaded) return <p className="empty muted">Loading the library…</p>;
  if (list.length === 0) {
    return (
      <div className="empty" role="status">
        <h2>No photos yet</h2>
        {folders.length === 0 ? (
          <p>Add a folder to watch on the left, then drop photos into it. They appear here as Lightbox processes them.</p>
        ) : (
          <p>
            Drop photos into a watched folder ({folders.map((f) => f.path).join(', ')}). They appear here as Lightbox processes
            them; the originals are never changed.
          </p>
        )}
      </div>
    );
  }
  return (
    <section aria-labelledby="photos-title">
      <h2 id="photos-title" className="grid-title">
        Photos <span className="muted">{total > list.length ? `${list.length} of ${total}` : list.length}</span>
      </h2>
      <ul role="list" className="grid" aria-label="Photos">
        {list.map((photo) => (
          <PhotoTile key={photo.id} photo={photo} mediaBase={mediaBase} />
        ))}
      </ul>
    </section>
  );
}
