import { z } from 'zod';
import { CACHE_CAP_MIN, DEFAULT_CACHE_CAP, type BackupReport, type QueueStats, type VerifyReport } from '../../contract/index.ts';
import type { EventBus } from '../base/event-bus.ts';
import type { DiskFullError } from '../base/disk-space.ts';
import { BackupService, libraryId } from '../care/backup/backup-service.ts';
import { runBackup, type BackupOptions } from '../care/backup/run-backup.ts';
import { ScrubScheduler } from '../care/scrub-scheduler.ts';
import { verifyLibrary } from '../care/verify-run.ts';
import type { Library } from '../library/index.ts';
import type { LibraryLayout } from '../library/library-layout.ts';
import type { PreviewStore } from '../media/preview-store.ts';
import type { RenderFile } from '../render/render-to-library.ts';
import type { CommandHandlers } from '../services/engine-api.ts';

type CareCommand =
  | 'care.scrub.get' | 'care.scrub.set' | 'care.scrub.start' | 'care.scrub.stop'
  | 'backup.targets.list' | 'backup.targets.add' | 'backup.targets.update' | 'backup.targets.remove' | 'backup.run'
  | 'cache.get' | 'cache.set';

const CACHE_CAP_KEY = 'cache.capBytes';

/** The previews' cap from the library's settings (Settings › Cache), 2 GB unless changed. */
export function cacheCap(library: Library): number {
  return z.number().int().min(CACHE_CAP_MIN).catch(DEFAULT_CACHE_CAP).parse(library.settings.get(CACHE_CAP_KEY) ?? DEFAULT_CACHE_CAP);
}

/** What the command line runs directly (verify, backup), beside the commands the UI calls. */
export type CareTools = {
  verify(options: { repair?: boolean }): Promise<VerifyReport>;
  backup(dir: string, options?: Pick<BackupOptions, 'verify' | 'progress'>): Promise<BackupReport>;
};

/**
 * Library care, wired: the scheduled check (it watches the queue to start when idle and to yield
 * to ingest), backup targets (after every import for those that ask), the preview cache's cap.
 * engine.ts spreads the commands in, feeds `onStats` the queue's stats and calls start/close.
 */
export function createCareFeature(deps: { library: Library; layout: LibraryLayout; bus: EventBus; previews: PreviewStore; renderFile: RenderFile; queueStats(): QueueStats }) {
  const { library, layout, bus, previews, renderFile } = deps;
  let latest: QueueStats | null = null;
  const stats = () => (latest ??= deps.queueStats());
  const listeners = new Set<() => void>();
  const ingestBusy = () => {
    const ingest = stats().kinds['ingest'];
    return !!ingest && ingest.queued + ingest.running > 0;
  };
  const ingestUnfinished = () => ingestBusy() || (stats().kinds['ingest']?.failed ?? 0) > 0;

  const backups = new BackupService({ library, layout, emit: (target) => bus.emit('backup.target', target) });
  const scrub = new ScrubScheduler({
    library,
    layout,
    backupDirs: () => backups.folders(),
    renderFile,
    queueIdle: () => stats().idle,
    ingestBusy,
    ingestUnfinished,
    onQueueChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (state) => bus.emit('care.scrub', state),
  });

  // Imports finished since the last after-import backup: counted by done ingest jobs.
  let ingestsBackedUp: number | null = null;
  function onStats(next: QueueStats): void {
    latest = next;
    const done = next.kinds['ingest']?.done ?? 0;
    ingestsBackedUp ??= done;
    if (next.idle && done > ingestsBackedUp) {
      ingestsBackedUp = done;
      backups.afterImport();
    }
    for (const listener of [...listeners]) listener();
  }

  let lastDiskFullLog = 0;
  /** Previews that could not be written are shown as thumbnails; the log says why, once a minute at most. */
  function previewDiskFull(error: DiskFullError): void {
    if (Date.now() - lastDiskFullLog < 60_000) return;
    lastDiskFullLog = Date.now();
    console.error(`[lightbox] previews: ${error.message}`);
  }

  const commands: Pick<CommandHandlers, CareCommand> = {
    'care.scrub.get': () => scrub.state(),
    'care.scrub.set': (update) => scrub.setSettings(update),
    'care.scrub.start': ({ repair }) => scrub.runNow({ repair }),
    'care.scrub.stop': () => scrub.stop(),
    'backup.targets.list': () => backups.list(),
    'backup.targets.add': ({ path, afterImport }) => backups.add(path, afterImport),
    'backup.targets.update': ({ id, afterImport }) => backups.update(id, afterImport),
    'backup.targets.remove': ({ id }) => backups.remove(id),
    'backup.run': ({ id, verify }) => {
      void backups.run(id, { verify });
      return backups.list();
    },
    'cache.get': () => previews.cache.status(),
    'cache.set': async ({ capBytes }) => {
      library.settings.set(CACHE_CAP_KEY, capBytes);
      await previews.cache.trim();
      return previews.cache.status();
    },
  };

  const tools: CareTools = {
    verify: ({ repair }) => verifyLibrary({ library, layout, backupDirs: () => backups.folders(), renderFile }, { repair: repair ?? false, ingestBusy: ingestUnfinished }),
    backup: async (dir, options = {}) => {
      const report = await runBackup({ library, layout, libraryId: libraryId(library) }, dir, { ...options, create: true });
      await backups.remember(dir, report);
      return report;
    },
  };

  return {
    commands,
    tools,
    onStats,
    previewDiskFull,
    /** Keeps the check's schedule: the long-running app only (one-shot commands never start a check). */
    start: () => scrub.start(),
    async close(): Promise<void> {
      await scrub.close();
      await backups.close();
    },
  };
}
