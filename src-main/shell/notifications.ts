import { Notification, type BrowserWindow } from 'electron';
import type { Api, Unsubscribe } from '../contract/index.ts';
import { batchMessage, createBatchDetector } from './batch-detector.ts';

/** Fewer finished jobs than this (one photo is ~4 jobs) is not worth interrupting anyone for. */
export const BATCH_NOTIFICATION_MIN_JOBS = 20;

/** A native notification when the queue goes idle after a batch; clicking it shows the window. */
export function notifyFinishedBatches(opts: { api: Api; getWindow: () => BrowserWindow | null; minJobs?: number }): Unsubscribe {
  if (!Notification.isSupported()) return () => {};
  const detect = createBatchDetector(opts.minJobs ?? BATCH_NOTIFICATION_MIN_JOBS);
  return opts.api.on('queue.stats', (stats) => {
    const batch = detect(stats);
    if (!batch) return;
    // Only when the window is not in front: someone looking at the grid already sees it finish.
    const win = opts.getWindow();
    if (win && !win.isDestroyed() && win.isFocused()) return;
    const notification = new Notification({ ...batchMessage(batch), silent: false });
    notification.on('click', () => {
      if (!win || win.isDestroyed()) return;
      win.show();
      win.focus();
    });
    notification.show();
  });
}
