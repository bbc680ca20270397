import { create } from 'zustand';
import type { AppInfo, HotFolder, Photo, QueueStats } from './contract.ts';
import type { ConnectionState } from './transport/index.ts';

export type Snapshot = { appInfo: AppInfo; folders: HotFolder[]; photos: Photo[]; totalPhotos: number; queue: QueueStats };

export type LightboxState = {
  connection: ConnectionState;
  /** False until the first snapshot arrived: the UI says "Loading" rather than "empty". */
  loaded: boolean;
  appInfo: AppInfo | null;
  folders: HotFolder[];
  photos: Record<number, Photo>;
  totalPhotos: number;
  queue: QueueStats | null;
  /** Why the last snapshot failed, in words for the header. */
  syncError: string | null;

  setConnection(state: ConnectionState): void;
  applySnapshot(snapshot: Snapshot): void;
  upsertPhoto(photo: Photo): void;
  setFolders(folders: HotFolder[]): void;
  setQueue(queue: QueueStats): void;
  setSyncError(message: string | null): void;
};

export const useLightbox = create<LightboxState>()((set) => ({
  connection: 'connecting',
  loaded: false,
  appInfo: null,
  folders: [],
  photos: {},
  totalPhotos: 0,
  queue: null,
  syncError: null,

  setConnection: (connection) => set({ connection }),
  applySnapshot: (snapshot) =>
    set({
      loaded: true,
      appInfo: snapshot.appInfo,
      folders: snapshot.folders,
      photos: Object.fromEntries(snapshot.photos.map((photo) => [photo.id, photo])),
      totalPhotos: snapshot.totalPhotos,
      queue: snapshot.queue,
      syncError: null,
    }),
  upsertPhoto: (photo) =>
    set((state) => ({
      photos: { ...state.photos, [photo.id]: photo },
      totalPhotos: state.photos[photo.id] ? state.totalPhotos : state.totalPhotos + 1,
    })),
  setFolders: (folders) => set({ folders }),
  setQueue: (queue) => set({ queue }),
  setSyncError: (syncError) => set({ syncError }),
}));

/** Newest first: what just landed in a hot folder is what the photographer is looking for. */
export function sortedPhotos(photos: Record<number, Photo>): Photo[] {
  return Object.values(photos).sort((a, b) => b.id - a.id);
}
