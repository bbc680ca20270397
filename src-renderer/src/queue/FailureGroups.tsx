import { useEffect } from 'react';
import type { FailureGroupsOutput } from '../contract.ts';
import { useEngineValue } from '../settings/use-engine.ts';
import { deadCount, useLightbox } from '../store.ts';
import type { Transport } from '../transport/index.ts';
import { FailureGroupCard } from './FailureGroupCard.tsx';

/** Jobs shown per group before "Show all"; the engine sends up to this many per group. */
const PER_GROUP = 60;

/**
 * The failed jobs, grouped by what failed and why (one group per job kind and error code, largest
 * first), so 69 photos that failed for one reason are one thing to fix and one Retry all.
 */
export function FailureGroups({ transport }: { transport: Transport }) {
  const failures = useEngineValue<FailureGroupsOutput>(transport, () => transport.call('queue.failures', { limit: PER_GROUP }), 'The failed jobs could not be listed.');
  // A job dies or comes back (here, in another window, by a retry that worked): look again.
  const dead = useLightbox((s) => deadCount(s.queue));
  const reload = failures.reload;
  useEffect(() => reload(), [dead, reload]);
  const groups = failures.value?.groups ?? [];
  return (
    <section className="card" aria-labelledby="dead-title">
      <h2 id="dead-title">
        Failed jobs {failures.value && failures.value.total > 0 && <span className="muted">· {failures.value.total}</span>}
      </h2>
      {failures.error && <p className="form-error">{failures.error}</p>}
      {failures.value && groups.length === 0 ? (
        <p className="muted">No failed jobs. Jobs that fail every retry land here, grouped by cause, to retry or discard.</p>
      ) : (
        groups.length > 0 && (
          <>
            <p className="muted">These gave up after every retry, grouped by cause. Fix what the error names (a file, a disk, a server, a key), then Retry all; Discard forgets the failed work (the photos stay).</p>
            <ul className="failure-groups" aria-label="Failed jobs by cause">
              {groups.map((group) => (
                <FailureGroupCard key={`${group.kind}:${group.code}`} group={group} transport={transport} onChange={reload} />
              ))}
            </ul>
          </>
        )
      )}
    </section>
  );
}
