import { useEffect, useState } from 'react';
import type { PhotoUpload, UploadFileOutcome, UploadProgress, UploadState } from '../contract.ts';
import type { Transport } from '../transport/index.ts';

const STATE_TEXT: Record<UploadState, string> = {
  queued: 'Queued for Immich',
  uploading: 'Uploading to Immich',
  'waiting-render': 'Waits for its processed file',
  'waiting-approval': 'Waits for approval before upload',
  offline: 'Waits for the Immich server to answer',
  paused: 'Paused: Immich refused the API key (see Settings)',
  uploaded: 'Uploaded to Immich',
  failed: 'Upload failed',
};

const OUTCOME_TEXT: Record<UploadFileOutcome, string> = {
  created: 'new in Immich',
  duplicate: 'was already in Immich',
  elsewhere: 'already in Immich elsewhere, left alone',
};

/** A file left alone is another photo's asset: its id is in the notice, not in this photo's record. */
const noticeAsset = (record: PhotoUpload, role: 'original' | 'processed') => record.notices.find((n) => n.role === role)?.assetId ?? null;

/** One file of the pair: its asset id and what Immich answered when it was sent. */
function FileRow({ label, assetId, outcome }: { label: string; assetId: string | null; outcome: UploadFileOutcome | null }) {
  if (!assetId && outcome !== 'elsewhere') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd data-outcome={outcome ?? 'known'}>
        {assetId ?? '—'}
        {outcome ? <span className="upload-outcome">{OUTCOME_TEXT[outcome]}</span> : null}
      </dd>
    </>
  );
}

/**
 * One photo's Immich upload for the info panel: the record when the panel opens, then the live
 * `upload.progress` events; the asset ids are read again once an upload finishes.
 */
export function UploadInfo({ transport, photoId }: { transport: Transport; photoId: number }) {
  const [record, setRecord] = useState<PhotoUpload | null | undefined>(undefined);
  const [live, setLive] = useState<UploadProgress | null>(null);

  useEffect(() => {
    let current = true;
    setRecord(undefined);
    setLive(null);
    const load = () =>
      transport.call('immich.photoUpload', { photoId }).then(
        (answer) => current && setRecord(answer),
        () => current && setRecord(null),
      );
    void load();
    const off = transport.on('upload.progress', (event) => {
      if (event.photoId !== photoId) return;
      setLive(event);
      if (event.state === 'uploaded' || event.state === 'failed') void load();
    });
    return () => {
      current = false;
      off();
    };
  }, [transport, photoId]);

  if (record === undefined) return null;
  const state = live?.state ?? record?.state ?? null;
  const error = live && live.state !== 'uploaded' ? live.error : (record?.error ?? null);
  const percent = live?.state === 'uploading' && live.bytesTotal > 0 ? Math.round((100 * live.bytesSent) / live.bytesTotal) : null;
  return (
    <section className="upload-info" aria-label="Immich upload" data-state={state ?? 'none'}>
      <h3 className="exif-subtitle">Immich</h3>
      {state === null ? (
        <p className="muted">Not uploaded. Uploads are set per watched folder in Settings.</p>
      ) : (
        <>
          <p className="upload-state">
            {STATE_TEXT[state]}
            {percent !== null ? ` · ${percent} %` : ''}
          </p>
          {state === 'uploaded' && record && (
            <dl className="asset-ids">
              <FileRow label="Original" assetId={record.originalAssetId ?? noticeAsset(record, 'original')} outcome={record.originalOutcome} />
              <FileRow label="Processed" assetId={record.processedAssetId ?? noticeAsset(record, 'processed')} outcome={record.processedOutcome} />
              {record.stackId && (
                <>
                  <dt>Stack</dt>
                  <dd>{record.stackId}</dd>
                </>
              )}
            </dl>
          )}
          {state === 'uploaded' && record && record.notices.length > 0 && (
            <ul className="upload-notices" aria-label="Not stacked">
              {record.notices.map((notice, i) => (
                <li key={i}>{notice.message}</li>
              ))}
            </ul>
          )}
          {error && (
            <p className="photo-error" role="alert">
              <span className="error-code">{error.code}</span> {error.message}
            </p>
          )}
        </>
      )}
    </section>
  );
}
