import { create } from 'zustand';
import type { AppInfo, DeadLetter, FolderStatus, HotFolder, QueueStats } from './contract.ts';
import type { ConnectionState } from './transport/index.ts';

export type Snapshot = { appInfo: AppInfo; folders: HotFolder[]; folderStatus: Record<number, FolderStatus>; queue: QueueStats; deadLetters: DeadLetter[] };

/** Everything outside the grid: connection, library info, folders, queue. The grid has its own store. */
export type LightboxState = {
  connection: ConnectionState;
  /** False until the first snapshot arrived: the UI says "Loading" rather than "empty". */
  loaded: boolean;
  appInfo: AppInfo | null;
  folders: HotFolder[];
  /** Per folder id: is its root there (a card or share may be away)? */
  folderStatus: Record<number, FolderStatus>;
  queue: QueueStats | null;
  deadLetters: DeadLetter[];
  /** Why the last snapshot failed, in words for the header. */
  syncError: string | null;

  setConnection(state: ConnectionState): void;
  applySnapshot(snapshot: Snapshot): void;
  setFolders(folders: HotFolder[]): void;
  setFolderStatus(status: FolderStatus): void;
  setQueue(queue: QueueStats): void;
  setDeadLetters(deadLetters: DeadLetter[]): void;
  setSyncError(message: string | null): void;
};

export const useLightbox = create<LightboxState>()((set) => ({
  connection: 'connecting',
  loaded: false,
  appInfo: null,
  folders: [],
  folderStatus: {},
  queue: null,
  deadLetters: [],
  syncError: null,

  setConnection: (connection) => set({ connection }),
  applySnapshot: (snapshot) => set({ loaded: true, ...snapshot, syncError: null }),
  setFolders: (folders) => set({ folders }),
  setFolderStatus: (status) => set((state) => ({ folderStatus: { ...state.folderStatus, [status.folderId]: status } })),
  setQueue: (queue) => set({ queue }),
  setDeadLetters: (deadLetters) => set({ deadLetters }),
  setSyncError: (syncError) => set({ syncError }),
}));

/** Sum of dead jobs over all kinds: when it changes, the dead-letter list is fetched again. */
export function deadCount(queue: QueueStats | null): number {
  return queue ? Object.values(queue.kinds).reduce((sum, kind) => sum + kind.dead, 0) : 0;
}
