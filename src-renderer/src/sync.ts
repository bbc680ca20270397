import { ApiError, type EventName, type EventPayload, type Unsubscribe } from './contract.ts';
import { useLightbox, type Snapshot } from './store.ts';
import type { Transport } from './transport/index.ts';

type Buffered = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

/**
 * Keeps the store equal to the engine: a full snapshot on every (re)connect, events in between.
 * Events that arrive while a snapshot is in flight are applied again after it, in order, so an
 * older snapshot can never overwrite a newer photo state.
 */
export function syncStore(transport: Transport): Unsubscribe {
  const store = useLightbox.getState();
  let buffer: Buffered[] | null = null;
  let generation = 0;

  const apply = (item: Buffered) => {
    if (item.event === 'photo.changed') store.upsertPhoto(item.payload);
    else if (item.event === 'folder.changed') store.setFolders(item.payload.folders);
    else if (item.event === 'queue.stats') store.setQueue(item.payload);
  };
  const receive = (item: Buffered) => {
    buffer?.push(item);
    apply(item);
  };

  const unsubscribes = [
    transport.on('photo.changed', (payload) => receive({ event: 'photo.changed', payload })),
    transport.on('folder.changed', (payload) => receive({ event: 'folder.changed', payload })),
    transport.on('queue.stats', (payload) => receive({ event: 'queue.stats', payload })),
  ];

  const refresh = async () => {
    const mine = ++generation;
    buffer = [];
    try {
      const [appInfo, folders, list, queue] = await Promise.all([
        transport.call('app.info', {}),
        transport.call('folders.list', {}),
        transport.call('photos.list', { limit: 500 }),
        transport.call('queue.stats', {}),
      ]);
      if (mine !== generation) return;
      const snapshot: Snapshot = { appInfo, folders, photos: list.photos, totalPhotos: list.total, queue };
      const replay = buffer;
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
  };
}
