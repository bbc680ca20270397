import os from 'node:os';

/** How much lower than the engine's thread a background thread runs (nice steps: 10 gets about a tenth of the CPU its contender gets). */
const BACKGROUND_NICE = 10;

/**
 * Lowers the calling worker thread's CPU priority below the engine's event loop. On two cores the
 * engine's thread shares the CPU with up to a dozen busy helper threads (models, pixel maths,
 * renders), and at equal priority it waited its turn behind them: that wait is most of the
 * event loop's delay. Linux keeps a nice value per thread (and threads a thread starts, such as
 * onnxruntime's, inherit it); elsewhere the same call would lower the whole process, so it is
 * Linux only. Work is not lost: a lower priority only orders who runs first when both want to.
 */
export function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(0, Math.min(19, os.getPriority(0) + BACKGROUND_NICE));
  } catch {
    // A sandbox that forbids it leaves the thread as it was.
  }
}
