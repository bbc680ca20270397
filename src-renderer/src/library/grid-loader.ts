import { ApiError, type Photo, type Unsubscribe } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { toPhotoQuery, useLibrary, type GridQuery } from './library-store.ts';

export const PAGE_SIZE = 150;
/** Photos beyond the rendered range each way whose pages are loaded ahead of the scroll. */
const PREFETCH = PAGE_SIZE;
/** Live arrivals come in bursts (a card dumped into a hot folder): re-query at most this often. */
const REFRESH_EVERY_MS = 400;

const message = (error: unknown, fallback: string) => (error instanceof ApiError ? error.message : fallback);

/**
 * Keeps the library store's grid equal to the engine for the current query: pages on demand as
 * the grid scrolls, a full re-query when the query changes, and a throttled refresh of the pages
 * in view plus the counts when photos arrive or change stage.
 */
export class GridLoader {
  #transport: Transport;
  /** Bumped on every re-query: answers for an older generation are dropped. */
  #generation = 0;
  #inFlight = new Set<number>();
  #visible = { start: 0, end: 0 };
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #lastRefresh = 0;
  /** When an event last patched each photo: a page asked for before that carries an older copy. */
  #patchedAt = new Map<number, number>();
  #patches = new Map<number, Photo>();
  /** The query the selection was last checked against (see reload). */
  #prunedFor: GridQuery | null = null;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Re-query from scratch (query changed, or reconnected): the pages in view first. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    const askedAt = performance.now();
    this.#inFlight.clear();
    const { query } = useLibrary.getState();
    const base = toPhotoQuery(query);
    const firstPage = Math.floor(this.#visible.start / PAGE_SIZE);
    const lastPage = Math.floor(Math.max(this.#visible.start, this.#visible.end) / PAGE_SIZE);
    try {
      const offsets = [];
      for (let page = firstPage; page <= lastPage; page += 1) offsets.push(page * PAGE_SIZE);
      // The pages are asked for first: the engine answers in order, and the grid paints as soon as
      // its page is here. Counts come next, not waited for (the chips fill in a moment later).
      const listed = Promise.all(offsets.map(async (offset) => ({ offset, ...(await this.#transport.call('photos.list', { ...base, limit: PAGE_SIZE, offset })) })));
      const counts = this.#transport.call('photos.counts', toPhotoQuery(query, false));
      const pages = await listed;
      if (generation !== this.#generation) return;
      const total = pages[0]?.total ?? 0;
      const before = useLibrary.getState().total;
      useLibrary.getState().replaceList(total, pages.map((page) => ({ offset: page.offset, photos: this.#fresher(page.photos, askedAt) })));
      counts.then(
        (value) => generation === this.#generation && useLibrary.getState().setCounts(value),
        () => {
          // The list is shown; the chips keep their last counts and the next refresh asks again.
        },
      );
      // The view was scrolled past the end of a shorter list: load what is there now.
      if (offsets[0] !== undefined && offsets[0] >= total && total > 0) this.ensureRange(Math.max(0, total - PAGE_SIZE), total - 1);
      // Photos can only have left the view when the filter changed or the count went down: a live
      // refresh during an import (every 400 ms, the count growing) asks for no id list.
      const left = query !== this.#prunedFor || total < before;
      if (left && useLibrary.getState().selection.size > 0) await this.#keepSelectionInView(generation, query);
    } catch (error) {
      if (generation !== this.#generation) return;
      useLibrary.getState().setListError(message(error, 'The photo list could not be loaded.'));
    }
  }

  /**
   * The grid shows indices start..end (inclusive): load the pages among them not loaded yet, and
   * the pages either side. A page is half a second of a fast flick; asked for only when its rows
   * come into view, it would arrive after them, and each of those rows would be built twice (an
   * empty cell, then the photo), costing frames and showing blanks.
   */
  ensureRange(start: number, end: number): void {
    this.#visible = { start, end };
    const { slots, total, query } = useLibrary.getState();
    if (total === 0) return;
    const generation = this.#generation;
    const first = Math.floor(Math.max(0, start - PREFETCH) / PAGE_SIZE);
    const last = Math.floor(Math.min(end + PREFETCH, total - 1) / PAGE_SIZE);
    // Pages in view first, then ahead, then behind: with a slow engine the ones on screen come first.
    const inView = Math.floor(start / PAGE_SIZE);
    const order = [];
    for (let page = inView; page <= last; page += 1) order.push(page);
    for (let page = inView - 1; page >= first; page -= 1) order.push(page);
    for (const page of order) {
      const offset = page * PAGE_SIZE;
      if (this.#inFlight.has(offset) || slots[offset] !== undefined) continue;
      this.#inFlight.add(offset);
      const askedAt = performance.now();
      this.#transport
        .call('photos.list', { ...toPhotoQuery(query), limit: PAGE_SIZE, offset })
        .then((result) => {
          if (generation !== this.#generation) return;
          this.#inFlight.delete(offset);
          if (result.total !== useLibrary.getState().total) this.scheduleRefresh();
          useLibrary.getState().fillPage(offset, this.#fresher(result.photos, askedAt));
        })
        .catch((error: unknown) => {
          this.#inFlight.delete(offset);
          if (generation === this.#generation) useLibrary.getState().setListError(message(error, 'Part of the photo list could not be loaded.'));
        });
    }
  }

  /**
   * A photo.changed event: patch it in place, and re-query soon, since order, counts or membership
   * may have changed. Patches are applied together once per task: rating 10,000 selected photos
   * sends 10,000 events, and one store update per event would copy the photo map 10,000 times.
   */
  photoChanged(photo: Photo): void {
    this.#patches.set(photo.id, photo);
    this.#patchedAt.set(photo.id, performance.now());
    if (this.#patches.size === 1) setTimeout(() => this.#applyPatches(), 0);
  }

  #applyPatches(): void {
    const photos = [...this.#patches.values()];
    this.#patches.clear();
    const state = useLibrary.getState();
    const { query } = state;
    const changed = photos.some((photo) => {
      const known = state.byId.get(photo.id);
      return (
        !known ||
        known.stage !== photo.stage ||
        // A copy dropped again: the Duplicates chip's count (and, when it filters, the list) changes.
        known.duplicates !== photo.duplicates ||
        known.fileName !== photo.fileName ||
        known.captureDate?.local !== photo.captureDate?.local ||
        // Only re-query for stars or flags when the grid filters on them.
        ((query.minRating !== null || query.flag !== null) && (known.rating !== photo.rating || known.flag !== photo.flag))
      );
    });
    state.upsertPhotos(photos);
    if (changed) this.scheduleRefresh();
  }

  scheduleRefresh(): void {
    if (this.#refreshTimer !== undefined) return;
    const wait = Math.max(0, this.#lastRefresh + REFRESH_EVERY_MS - Date.now());
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      this.#lastRefresh = Date.now();
      void this.reload();
    }, wait);
  }

  /** The page's photos, except those an event patched after the page was asked for. */
  #fresher(photos: Photo[], askedAt: number): Photo[] {
    const { byId } = useLibrary.getState();
    return photos.map((photo) => ((this.#patchedAt.get(photo.id) ?? -1) > askedAt ? (byId.get(photo.id) ?? photo) : photo));
  }

  /** Ids of indices a..b in grid order, loading them if the pages are not all in memory. */
  async idsBetween(a: number, b: number): Promise<number[]> {
    const [from, to] = a <= b ? [a, b] : [b, a];
    const { slots, query } = useLibrary.getState();
    const local = slots.slice(from, to + 1);
    if (local.every((id) => id !== undefined)) return local as number[];
    const all = await this.#transport.call('photos.ids', toPhotoQuery(query));
    return all.slice(from, to + 1);
  }

  allIds(): Promise<number[]> {
    return this.#transport.call('photos.ids', toPhotoQuery(useLibrary.getState().query));
  }

  /**
   * A batch action works on the selection, so the selection never holds photos the filter hides:
   * "21 selected" over a grid of 20 would apply a preset to a photo the photographer cannot see.
   */
  async #keepSelectionInView(generation: number, query: GridQuery): Promise<void> {
    const inView = new Set(await this.allIds());
    if (generation !== this.#generation) return;
    this.#prunedFor = query;
    const { selection, setSelection } = useLibrary.getState();
    const kept = [...selection].filter((id) => inView.has(id));
    if (kept.length !== selection.size) setSelection(new Set(kept));
  }

  /** Re-query whenever the query changes; returns the unsubscribe. */
  followQuery(): Unsubscribe {
    return useLibrary.subscribe((state, previous) => {
      if (state.query !== previous.query) void this.reload();
    });
  }

  dispose(): void {
    clearTimeout(this.#refreshTimer);
    this.#generation += 1;
  }
}
