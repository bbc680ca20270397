import { useEffect } from 'react';
import type { BackupTarget, ScrubState } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { useEngineSetting, type EngineSetting } from '../settings/use-engine.ts';

/** The scheduled check's state, kept current by `care.scrub` events (progress while it runs). */
export function useScrub(transport: Transport): EngineSetting<ScrubState> {
  const scrub = useEngineSetting<ScrubState>(transport, () => transport.call('care.scrub.get', {}), 'The library check could not be read.');
  const set = scrub.set;
  useEffect(() => transport.on('care.scrub', set), [transport, set]);
  return scrub;
}

/** The backup targets, each replaced by its `backup.target` event as a run goes on. */
export function useBackupTargets(transport: Transport): EngineSetting<BackupTarget[]> {
  const targets = useEngineSetting<BackupTarget[]>(transport, () => transport.call('backup.targets.list', {}), 'The backup targets could not be read.');
  const { set, value } = targets;
  useEffect(
    () =>
      transport.on('backup.target', (target) => {
        if (value) set(value.map((t) => (t.id === target.id ? target : t)));
      }),
    [transport, set, value],
  );
  return targets;
}
