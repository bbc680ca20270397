import os from 'node:os';
import type { WorkerCounts } from '../../contract/index.ts';

/** What worker counts are chosen from: CPU cores and memory (MB). */
export type Machine = { cores: number; totalMb: number; freeMb: number };

export function readMachine(): Machine {
  return { cores: Math.max(1, os.availableParallelism()), totalMb: Math.round(os.totalmem() / 2 ** 20), freeMb: Math.round(os.freemem() / 2 ** 20) };
}

/**
 * The most memory one running job of each kind takes at its peak, measured with bench/pipeline on
 * 24 MP JPEGs: a render on the 16-bit path (a tone step) holds the photo at 16 bits, an analysis its
 * decode and three model workers' tensors, a derive a shrunk decode. Uploads stream from disk.
 */
const JOB_PEAK_MB = { ingest: 40, derive: 120, analyze: 250, render: 450 } as const;
/** Left to the rest of the machine (the photographer's other programs) when choosing. */
const RESERVE_MB = 1024;

/**
 * Built-in counts for this machine: two imports and two derives (one core hashes while the other
 * decodes); two analyses (each photo's models run side by side in their own threads, so two photos
 * keep the slowest model busy while the other's decode and crops run); renders one per two cores.
 * Each is bounded by the cores and by how many of its peak fit in the free memory.
 */
export function builtInWorkers(machine: Machine): WorkerCounts {
  const room = Math.max(0, machine.freeMb - RESERVE_MB);
  const fit = (kind: keyof typeof JOB_PEAK_MB, wanted: number) => Math.max(1, Math.min(machine.cores, wanted, Math.floor(room / JOB_PEAK_MB[kind])));
  return {
    ingest: fit('ingest', 2),
    derive: fit('derive', 2),
    analyze: fit('analyze', 2),
    render: fit('render', Math.max(1, Math.floor(machine.cores / 2))),
  };
}
