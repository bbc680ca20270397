import { ApiError, type EventName, type EventPayload, type Unsubscribe } from './contract.ts';
import type { GridLoader } from './library/grid-loader.ts';
import { deadCount, useLightbox, type Snapshot } from './store.ts';
import type { Transport } from './transport/index.ts';

type Buffered = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

/**
 * Keeps the stores equal to the engine: a full snapshot on every (re)connect, events in between.
 * Events that arrive while a snapshot is in flight are applied again after it, in order, so an
 * older snapshot can never overwrite a newer state. Photos go through the grid loader, which
 * patches what is loaded and re-queries the list when order or counts may have changed.
 */
export function syncStore(transport: Transport, grid: GridLoader): Unsubscribe {
  const store = useLightbox.getState();
  let buffer: Buffered[] | null = null;
  let generation = 0;

  const refreshDeadLetters = () => {
    transport.call('queue.deadLetters', {}).then(store.setDeadLetters, () => {
      // The next stats event tries again; the header already says when the connection is gone.
    });
  };

  const apply = (item: Buffered) => {
    if (item.event === 'photo.changed') grid.photoChanged(item.payload);
    else if (item.event === 'folder.changed') store.setFolders(item.payload.folders);
    else if (item.event === 'folder.status') store.setFolderStatus(item.payload);
    else if (item.event === 'queue.stats') {
      const before = deadCount(useLightbox.getState().queue);
      store.setQueue(item.payload);
      if (deadCount(item.payload) !== before) refreshDeadLetters();
    }
  };
  const receive = (item: Buffered) => {
    buffer?.push(item);
    apply(item);
  };

  const unsubscribes = [
    transport.on('photo.changed', (payload) => receive({ event: 'photo.changed', payload })),
    transport.on('folder.changed', (payload) => receive({ event: 'folder.changed', payload })),
    transport.on('folder.status', (payload) => receive({ event: 'folder.status', payload })),
    transport.on('queue.stats', (payload) => receive({ event: 'queue.stats', payload })),
    grid.followQuery(),
  ];

  const refresh = async () => {
    const mine = ++generation;
    buffer = [];
    void grid.reload();
    try {
      const [appInfo, folders, statuses, queue, deadLetters] = await Promise.all([
        transport.call('app.info', {}),
        transport.call('folders.list', {}),
        transport.call('folders.status', {}),
        transport.call('queue.stats', {}),
        transport.call('queue.deadLetters', {}),
      ]);
      if (mine !== generation) return;
      const folderStatus = Object.fromEntries(statuses.map((s) => [s.folderId, s]));
      const snapshot: Snapshot = { appInfo, folders, folderStatus, queue, deadLetters };
      const replay = buffer.filter((item) => item.event !== 'photo.changed');
      buffer = null;
      store.applySnapshot(snapshot);
      for (const item of replay) apply(item);
    } catch (error) {
      if (mine !== generation) return;
      buffer = null;
      store.setSyncError(error instanceof ApiError ? error.message : 'Could not load the library state.');
    }
  };

  store.setConnection(transport.state());
  unsubscribes.push(
    transport.onState((state) => {
      store.setConnection(state);
      if (state === 'open') void refresh();
    }),
  );
  if (transport.state() === 'open') void refresh();

  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    grid.dispose();
  };
}
