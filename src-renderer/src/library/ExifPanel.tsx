import type { Photo } from '../contract.ts';
import { STAGE_TEXT, formatBytes, formatCaptureTime, formatExposure, formatGps } from '../format.ts';
import type { Transport } from '../transport/index.ts';
import { AnalysisInfo } from './AnalysisInfo.tsx';
import { UploadInfo } from './UploadInfo.tsx';

function Row({ term, value }: { term: string; value: string | null }) {
  return (
    <>
      <dt>{term}</dt>
      <dd className={value ? undefined : 'muted'}>{value ?? 'Not recorded'}</dd>
    </>
  );
}

/** "Canon" + "Canon EOS D60" reads as "Canon EOS D60": many bodies repeat the make in the model. */
function cameraName(make: string | null, model: string | null): string | null {
  if (!model) return make;
  const brand = make?.split(' ')[0] ?? '';
  return make && !model.toLowerCase().startsWith(brand.toLowerCase()) ? `${make} ${model}` : model;
}

/** What a photographer checks first: body, glass, exposure triangle, when and where. */
export function ExifPanel({ photo, transport }: { photo: Photo; transport: Transport }) {
  const m = photo.metadata;
  const camera = cameraName(m?.make ?? null, m?.model ?? null);
  const exposure =
    [formatExposure(m?.exposureTime ?? null), m?.fNumber ? `f/${m.fNumber}` : null, m?.iso ? `ISO ${m.iso}` : null, m?.focalLength ? `${m.focalLength} mm` : null]
      .filter(Boolean)
      .join(' · ') || null;
  const size = photo.width && photo.height ? `${photo.width} × ${photo.height} px · ${formatBytes(photo.bytes)}` : formatBytes(photo.bytes);
  return (
    <aside className="exif" aria-label="Photo information">
      <h2 className="exif-title">{photo.fileName}</h2>
      <dl>
        <Row term="Camera" value={camera} />
        <Row term="Lens" value={m?.lens ?? null} />
        <Row term="Exposure" value={exposure} />
        <Row term="Taken" value={formatCaptureTime(photo.captureDate, photo.captureInstant)} />
        <Row term="Location" value={formatGps(photo.gps)} />
        <Row term="Size" value={`${size}${photo.format ? ` · ${photo.format.toUpperCase()}` : ''}`} />
        <Row term="Stage" value={STAGE_TEXT[photo.stage]} />
        <Row term="Rating" value={`${(photo.rating ?? 0) > 0 ? '★'.repeat(photo.rating ?? 0) : 'No stars'}${photo.flag ? ` · ${photo.flag === 'pick' ? 'picked' : 'rejected'}` : ''}`} />
        <Row term="Source" value={photo.sourcePath} />
        {photo.duplicates > 0 && <Row term="Duplicates" value={`${photo.duplicates} other file(s) had the same bytes`} />}
      </dl>
      {photo.error && (
        <p className="photo-error" role="alert">
          <span className="error-code">{photo.error.code}</span> {photo.error.message}
        </p>
      )}
      {photo.warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings">
          {photo.warnings.map((warning, i) => (
            <li key={i}>{warning.message}</li>
          ))}
        </ul>
      )}
      <AnalysisInfo transport={transport} photoId={photo.id} />
      <UploadInfo transport={transport} photoId={photo.id} />
    </aside>
  );
}
