import { create } from 'zustand';
import type { Photo, PhotoCounts, PhotoQuery, PhotoSortKey, PhotoStage } from '../contract.ts';

/** What the grid shows: every filter, the sort and its direction. Paging is the loader's business. */
export type GridQuery = {
  stage: PhotoStage | null;
  folderId: number | null;
  from: string;
  to: string;
  text: string;
  /** Search by meaning too (CLIP), not only by words. */
  semantic: boolean;
  minRating: number | null;
  flag: 'pick' | 'reject' | 'none' | null;
  /** Only photos that were dropped more than once. */
  duplicates: boolean;
  sort: PhotoSortKey;
  order: 'asc' | 'desc';
};

export const DEFAULT_QUERY: GridQuery = { stage: null, folderId: null, from: '', to: '', text: '', semantic: false, minRating: null, flag: null, duplicates: false, sort: 'imported', order: 'desc' };

/** The contract query for a grid query: empty fields mean "not filtered". */
export function toPhotoQuery(query: GridQuery, withStage = true): Omit<PhotoQuery, 'limit' | 'offset'> {
  return {
    ...(withStage && query.stage ? { stage: query.stage } : {}),
    ...(query.folderId ? { folderId: query.folderId } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.text.trim() ? { text: query.text.trim(), ...(query.semantic ? { semantic: true } : {}) } : {}),
    ...(query.minRating ? { minRating: query.minRating } : {}),
    ...(query.flag ? { flag: query.flag } : {}),
    ...(query.duplicates ? { duplicates: true as const } : {}),
    sort: query.sort,
    order: query.order,
  };
}

export type LibraryState = {
  query: GridQuery;
  /** False until the first page of the current query arrived. */
  ready: boolean;
  total: number;
  /**
   * One slot per photo the query matches, in grid order: the id once its page is loaded, else
   * undefined. The grid sizes itself from `total` and asks the loader for the slots it shows.
   */
  slots: Array<number | undefined>;
  byId: Map<number, Photo>;
  counts: PhotoCounts | null;
  selection: ReadonlySet<number>;
  /** Index the keyboard focus is on, and where a shift-click range starts. */
  focus: number;
  anchor: number | null;
  loupeId: number | null;
  zoomed: boolean;
  listError: string | null;

  setQuery(patch: Partial<GridQuery>): void;
  replaceList(total: number, pages: Array<{ offset: number; photos: Photo[] }>): void;
  fillPage(offset: number, photos: Photo[]): void;
  upsertPhotos(photos: Photo[]): void;
  setCounts(counts: PhotoCounts): void;
  setSelection(selection: ReadonlySet<number>, anchor?: number | null): void;
  setFocus(index: number): void;
  openLoupe(id: number | null): void;
  setZoomed(zoomed: boolean): void;
  setListError(message: string | null): void;
};

function withPhotos(byId: Map<number, Photo>, photos: Photo[]): Map<number, Photo> {
  const next = new Map(byId);
  for (const photo of photos) next.set(photo.id, photo);
  return next;
}

export const useLibrary = create<LibraryState>()((set) => ({
  query: DEFAULT_QUERY,
  ready: false,
  total: 0,
  slots: [],
  byId: new Map(),
  counts: null,
  selection: new Set(),
  focus: 0,
  anchor: null,
  loupeId: null,
  zoomed: false,
  listError: null,

  setQuery: (patch) => set((state) => ({ query: { ...state.query, ...patch }, focus: 0, anchor: null })),
  replaceList: (total, pages) =>
    set((state) => {
      const slots = new Array<number | undefined>(total);
      for (const page of pages) page.photos.forEach((photo, i) => (slots[page.offset + i] = photo.id));
      // The focus follows its photo when new arrivals push it down the list.
      const focusedId = state.slots[state.focus];
      const moved = focusedId === undefined ? -1 : slots.indexOf(focusedId);
      const focus = moved >= 0 ? moved : Math.min(state.focus, Math.max(0, total - 1));
      return { ready: true, total, slots, focus, byId: withPhotos(state.byId, pages.flatMap((p) => p.photos)), listError: null };
    }),
  fillPage: (offset, photos) =>
    set((state) => {
      const slots = state.slots.slice();
      photos.forEach((photo, i) => {
        if (offset + i < slots.length) slots[offset + i] = photo.id;
      });
      return { slots, byId: withPhotos(state.byId, photos) };
    }),
  upsertPhotos: (photos) => set((state) => ({ byId: withPhotos(state.byId, photos) })),
  setCounts: (counts) => set({ counts }),
  setSelection: (selection, anchor) => set((state) => ({ selection, anchor: anchor === undefined ? state.anchor : anchor })),
  setFocus: (focus) => set((state) => ({ focus: Math.max(0, Math.min(focus, state.total - 1)) })),
  openLoupe: (loupeId) => set({ loupeId, zoomed: false }),
  setZoomed: (zoomed) => set({ zoomed }),
  setListError: (listError) => set({ listError }),
}));
