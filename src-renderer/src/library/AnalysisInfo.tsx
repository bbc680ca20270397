import { useState } from 'react';
import { ApiError, type PhotoAnalysis } from '../contract.ts';
import { useEditor } from '../editor/editor-store.ts';
import { gapText } from '../model-fetch.ts';
import type { Transport } from '../transport/index.ts';

type QualityFlag = NonNullable<PhotoAnalysis['quality']>['flags'][number];
const FLAG_TEXT: Record<QualityFlag, string> = { blurry: 'blurry', underexposed: 'underexposed', overexposed: 'overexposed', 'low-contrast': 'low contrast' };
const MODERATION_TEXT = { safe: 'Nothing sensitive found', suggestive: 'Possibly suggestive', explicit: 'Possibly explicit' } as const;
const percent = (v: number) => `${Math.round(v * 100)}`;

/**
 * What the local analysis found, for culling at a glance: technical quality and its warnings, the
 * aesthetic score when that model is installed, faces, keywords, tags, the moderation flag and
 * whether this photo is the best of a burst. The editor store already holds this photo's analysis.
 */
export function AnalysisInfo({ transport, photoId }: { transport: Transport; photoId: number }) {
  const analysis = useEditor((s) => (s.analysis?.photoId === photoId ? s.analysis : null));
  const [rerun, setRerun] = useState<string | null>(null);
  const again = () =>
    transport.call('analysis.rerun', { photoIds: [photoId] }).then(
      () => setRerun('Analysing again…'),
      (error: unknown) => setRerun(error instanceof ApiError ? error.message : 'The analysis could not be started. Try again.'),
    );
  return (
    <section className="analysis-info" aria-label="Analysis">
      <h3>Analysis</h3>
      {analysis ? <Findings analysis={analysis} /> : <p className="muted">Not analysed yet.</p>}
      <p className="analysis-actions">
        <button type="button" className="link" onClick={() => void again()}>
          Analyse again
        </button>
        {analysis?.nearDuplicates && (
          <button
            type="button"
            className="link"
            title="Give the similar photos this photo's exposure and white balance (proposed as AI steps)"
            onClick={() =>
              void transport.call('enhance.match', { photoIds: analysis.nearDuplicates!.photoIds, referencePhotoId: photoId }).then(
                ({ proposed }) => setRerun(`Matched ${proposed} similar photo${proposed === 1 ? '' : 's'} to this one.`),
                (error: unknown) => setRerun(error instanceof ApiError ? error.message : 'The similar photos were not matched. Try again.'),
              )
            }
          >
            Match similar photos to this one
          </button>
        )}
        {rerun && <span className="muted" role="status">{rerun}</span>}
      </p>
    </section>
  );
}

function Findings({ analysis }: { analysis: PhotoAnalysis }) {
  const { quality, faces, keywords, semantic, moderation, nearDuplicates } = analysis;
  const tags = semantic?.status === 'completed' ? semantic.tags.map((t) => t.label) : [];
  // A model that is missing or damaged leaves the analysis incomplete; it is not a failure of the photo.
  const gaps = analysis.runs.filter((r) => r.status === 'failed' && (r.error?.code === 'model-missing' || r.error?.code === 'model-damaged'));
  const failed = analysis.runs.filter((r) => r.status === 'failed' && !gaps.includes(r));
  return (
    <dl>
      {quality && (
        <>
          <dt>Quality</dt>
          <dd>
            {percent(quality.score)} / 100
            {quality.flags.length > 0 && <span className="quality-flags"> · {quality.flags.map((f) => FLAG_TEXT[f]).join(', ')}</span>}
          </dd>
          {quality.aesthetic !== undefined && (
            <>
              <dt>Aesthetic</dt>
              <dd>{quality.aesthetic.toFixed(1)} / 10</dd>
            </>
          )}
        </>
      )}
      {faces && (
        <>
          <dt>Faces</dt>
          <dd>{faces.length === 0 ? 'None' : faces.length}</dd>
        </>
      )}
      {keywords.length > 0 && (
        <>
          <dt>Keywords</dt>
          <dd>{keywords.join(', ')}</dd>
        </>
      )}
      {tags.length > 0 && (
        <>
          <dt>Tags</dt>
          <dd>{tags.join(', ')}</dd>
        </>
      )}
      {semantic?.caption && (
        <>
          <dt>Caption</dt>
          <dd>{semantic.caption.text}</dd>
        </>
      )}
      {moderation && (
        <>
          <dt>Content</dt>
          <dd className={moderation.flag === 'safe' ? undefined : 'warn'}>{MODERATION_TEXT[moderation.flag]}</dd>
        </>
      )}
      {nearDuplicates && (
        <>
          <dt>Similar</dt>
          <dd>
            {nearDuplicates.photoIds.length - 1} similar photo{nearDuplicates.photoIds.length > 2 ? 's' : ''}
            {nearDuplicates.bestPhotoId === analysis.photoId ? ' · the sharpest of the group' : ''}
          </dd>
        </>
      )}
      {gaps.length > 0 && (
        <>
          <dt>Incomplete</dt>
          <dd className="warn" title={gaps.map((r) => r.error?.message).join('\n')}>
            Analysis incomplete: {gapText(gaps.map((r) => ({ task: r.task, model: r.model, code: r.error!.code as 'model-missing' | 'model-damaged', message: r.error!.message })))}. It runs again by itself when the model is fetched (Settings › Models).
          </dd>
        </>
      )}
      {failed.length > 0 && (
        <>
          <dt>Failed</dt>
          <dd className="warn">{failed.map((r) => `${r.task}: ${r.error?.message ?? 'failed'}`).join('; ')}</dd>
        </>
      )}
    </dl>
  );
}
