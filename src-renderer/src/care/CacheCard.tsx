import type { CacheStatus } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { FormError } from '../components/FormError.tsx';
import { formatSize, useEngineSetting } from '../settings/use-engine.ts';

const MB = 1024 * 1024;
const CAPS = [512 * MB, 1024 * MB, 2048 * MB, 5120 * MB, 10240 * MB, 20480 * MB];
const capLabel = (bytes: number) => (bytes >= 1024 * MB ? `${bytes / (1024 * MB)} GB` : `${bytes / MB} MB`);

/** Settings › Cache: how much disk the rebuildable previews may take; the oldest go first, thumbnails stay. */
export function CacheCard({ transport }: { transport: Transport }) {
  const cache = useEngineSetting<CacheStatus>(transport, () => transport.call('cache.get', {}), 'The cache size could not be read.');
  const status = cache.value;
  const percent = status ? Math.min(100, Math.round((status.previewBytes / status.capBytes) * 100)) : 0;
  const caps = status && !CAPS.includes(status.capBytes) ? [...CAPS, status.capBytes].sort((a, b) => a - b) : CAPS;
  return (
    <section className="card settings-card" aria-labelledby="cache-title">
      <h2 id="cache-title">Preview cache</h2>
      <p className="muted">Large previews for the loupe and the editor are made when needed and can always be made again. Above this size the ones looked at least recently are removed; thumbnails are always kept.</p>
      {status && (
        <>
          <div className="care-row">
            <label className="care-row">
              <span className="muted">Keep up to</span>
              <select value={status.capBytes} disabled={cache.busy} onChange={(e) => cache.change(null, () => transport.call('cache.set', { capBytes: Number(e.target.value) }), 'The cache size could not be changed.')}>
                {caps.map((bytes) => (
                  <option key={bytes} value={bytes}>
                    {capLabel(bytes)}
                    {bytes === 2048 * MB ? ' (default)' : ''}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="progress" role="progressbar" aria-label="Preview cache use" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <span className="progress-fill" style={{ width: `${percent}%` }} />
          </div>
          <p className="field-note">
            Previews: {formatSize(status.previewBytes)} in {status.previewFiles} files ({percent} % of the limit) · thumbnails: {formatSize(status.thumbBytes)} in {status.thumbFiles} files, kept
            {status.evictedFiles > 0 ? ` · ${status.evictedFiles} previews (${formatSize(status.evictedBytes)}) removed since Lightbox started` : ''}
          </p>
        </>
      )}
      <FormError message={cache.problem} />
    </section>
  );
}
