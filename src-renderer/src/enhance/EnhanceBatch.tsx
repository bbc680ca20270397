import type { Transport } from '../transport/index.ts';
import { useLibrary } from '../library/library-store.ts';

type Run = (work: () => Promise<string>, fallback: string) => Promise<void>;
type Skip = { photoId: number; reason: string };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const skippedText = (skipped: Skip[]) => (skipped.length ? ` ${plural(skipped.length, 'photo')} left out: photo ${skipped[0]!.photoId} ${skipped[0]!.reason}.` : '');

/**
 * The selection's auto-enhance actions in the batch bar: propose each photo's tone and colour steps,
 * or match exposure and white balance across the photos (to their median, or to the focused photo
 * as the hero). Both arrive as AI steps waiting for review, like any proposal.
 */
export function EnhanceBatch({ transport, ids, run }: { transport: Transport; ids: number[]; run: Run }) {
  const hero = useLibrary((s) => {
    const focused = s.loupeId ?? s.slots[s.focus];
    return focused !== undefined && focused !== null && s.selection.has(focused) ? focused : null;
  });
  const auto = async () => {
    const { proposed, unchanged, queued, skipped } = await transport.call('enhance.auto', { photoIds: ids });
    const parts = [`Auto-enhance proposed steps for ${plural(proposed, 'photo')}`];
    if (unchanged) parts.push(`${unchanged} needed nothing new`);
    if (queued) parts.push(`${queued} are analysed first`);
    return `${parts.join('; ')}.${skippedText(skipped)}`;
  };
  const match = async (referencePhotoId?: number) => {
    const { proposed, unchanged, skipped } = await transport.call('enhance.match', { photoIds: ids, ...(referencePhotoId === undefined ? {} : { referencePhotoId }) });
    const to = referencePhotoId === undefined ? 'their median' : `photo ${referencePhotoId}`;
    return `Matched ${plural(proposed, 'photo')} to ${to}${unchanged ? ` (${unchanged} already matched)` : ''}; the steps wait for review.${skippedText(skipped)}`;
  };
  return (
    <>
      <button type="button" className="button" onClick={() => void run(auto, 'Auto-enhance did not run.')}>
        Auto-enhance
      </button>
      <select
        aria-label="Match exposure and white balance"
        value=""
        disabled={ids.length < 2}
        title={ids.length < 2 ? 'Select two or more photos of a series' : 'Bring the selected photos to one exposure and white balance'}
        onChange={(e) => void run(() => match(e.target.value === 'hero' && hero !== null ? hero : undefined), 'The photos were not matched.')}
      >
        <option value="">Match series…</option>
        <option value="median">…to their median</option>
        {hero !== null && <option value="hero">…to photo {hero} (focused)</option>}
      </select>
    </>
  );
}
