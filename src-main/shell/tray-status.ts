import type { ImmichStatus, QueueStats } from '../contract/index.ts';

export type TrayState = 'idle' | 'busy' | 'paused';

export type TrayStatus = {
  state: TrayState;
  /** Short: the macOS menu-bar title and the first (disabled) item of the tray menu. */
  label: string;
  /** One or two lines for the hover tooltip. */
  tooltip: string;
  /** Jobs queued, running or waiting to retry, over every kind. */
  toDo: number;
};

/** Work still ahead: `failed` jobs retry after a backoff, so they are still to do; `dead` ones are not. */
export function jobsToDo(stats: QueueStats): number {
  let total = 0;
  for (const kind of Object.values(stats.kinds)) total += kind.queued + kind.running + kind.failed;
  return total;
}

/**
 * What the tray says. Paused uploads win over everything because only the user can resume them
 * (a refused API key); a busy queue finishes by itself, so it is information, not a call to act.
 */
export function trayStatus(stats: QueueStats, immich: ImmichStatus | null): TrayStatus {
  const toDo = jobsToDo(stats);
  const work = toDo === 0 ? 'Idle' : `${toDo} to do`;
  if (immich?.configured && immich.paused) {
    const waiting = immich.counts.pending + immich.counts.waiting;
    return {
      state: 'paused',
      label: 'Uploads paused',
      tooltip: `Lightbox — uploads paused${waiting > 0 ? ` (${waiting} waiting)` : ''}: ${immich.reason?.message ?? 'open Settings › Immich to resume.'}\n${work}`,
      toDo,
    };
  }
  // `idle` from the engine is the authority (it also knows about jobs waiting for a lease);
  // the count alone could read 0 for a moment while a job changes state.
  if (toDo === 0 && stats.idle) return { state: 'idle', label: 'Idle', tooltip: 'Lightbox — idle', toDo };
  const label = toDo === 0 ? 'Working' : work;
  return { state: 'busy', label, tooltip: `Lightbox — ${label.toLowerCase()}`, toDo };
}
