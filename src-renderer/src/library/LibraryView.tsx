import { useCallback, useEffect, useRef } from 'react';
import { BatchBar } from '../presets/BatchBar.tsx';
import { useLightbox } from '../store.ts';
import type { Transport } from '../transport/index.ts';
import { useUi } from '../ui-state.ts';
import { FilterBar } from './FilterBar.tsx';
import type { GridLoader } from './grid-loader.ts';
import { DEFAULT_QUERY, useLibrary } from './library-store.ts';
import { Loupe } from './Loupe.tsx';
import { clearSelection, selectAllFiltered } from './selection.ts';
import { VirtualGrid } from './VirtualGrid.tsx';

const number = new Intl.NumberFormat('en');

function EmptyState() {
  const folders = useLightbox((s) => s.folders);
  const query = useLibrary((s) => s.query);
  const counts = useLibrary((s) => s.counts);
  const setView = useUi((s) => s.setView);
  const filtered = query.stage !== null || (counts?.total ?? 0) > 0 || query.text.trim() || query.folderId || query.from || query.to || query.minRating || query.flag || query.duplicates;
  if (filtered) {
    return (
      <div className="empty" role="status">
        <h2>No photos match these filters</h2>
        <p>Change the search or the filters above, or show everything again.</p>
        <button type="button" className="button" onClick={() => useLibrary.getState().setQuery(DEFAULT_QUERY)}>
          Clear all filters
        </button>
      </div>
    );
  }
  return (
    <div className="empty" role="status">
      <h2>No photos yet</h2>
      {folders.length === 0 ? (
        <>
          <p>Add a folder to watch, then drop photos into it. They appear here as Lightbox processes them.</p>
          <button type="button" className="button" onClick={() => setView('settings')}>
            Add a watched folder
          </button>
        </>
      ) : (
        <p>
          Drop photos into a watched folder ({folders.map((f) => f.path).join(', ')}). They appear here as Lightbox processes them; the originals are never
          changed.
        </p>
      )}
    </div>
  );
}

function StatusLine({ loader }: { loader: GridLoader }) {
  const total = useLibrary((s) => s.total);
  const selected = useLibrary((s) => s.selection.size);
  return (
    <div className="status-line">
      <h2 id="photos-title" className="grid-title">
        Photos <span className="muted">{number.format(total)}</span>
      </h2>
      {selected > 0 ? (
        <span className="selection" role="status">
          {number.format(selected)} selected
          {selected < total && (
            <button type="button" className="link" onClick={() => void selectAllFiltered(loader)}>
              Select all {number.format(total)}
            </button>
          )}
          <button type="button" className="link" onClick={clearSelection}>
            Clear selection
          </button>
        </span>
      ) : (
        total > 0 && <span className="muted hint">Click to select, shift-click for a range, Enter to open. Press ? for all keys.</span>
      )}
    </div>
  );
}

export function LibraryView({ transport, loader }: { transport: Transport; loader: GridLoader }) {
  const ready = useLibrary((s) => s.ready);
  const total = useLibrary((s) => s.total);
  const listError = useLibrary((s) => s.listError);
  const loupeOpen = useLibrary((s) => s.loupeId !== null);
  const main = useRef<HTMLDivElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    // Back from the loupe, the grid takes the keyboard again, from the same photo. Only after this
    // commit: while the loupe is open the grid is hidden, and a hidden element cannot take focus
    // (a focus call queued for the next frame lost that race on a busy machine).
    if (wasOpen.current && !loupeOpen) main.current?.querySelector<HTMLElement>('[role="grid"]')?.focus({ preventScroll: true });
    wasOpen.current = loupeOpen;
  }, [loupeOpen]);
  const open = useCallback((index: number, id: number) => {
    const state = useLibrary.getState();
    state.setFocus(index);
    state.setSelection(new Set([id]), index);
    state.openLoupe(id);
  }, []);

  return (
    <section className="library-view" aria-labelledby="photos-title">
      <div className="library-main" data-hidden={loupeOpen} ref={main}>
        <FilterBar transport={transport} />
        <StatusLine loader={loader} />
        <BatchBar transport={transport} />
        {listError && (
          <p className="form-error banner" role="alert">
            {listError}{' '}
            <button type="button" className="link" onClick={() => void loader.reload()}>
              Try again
            </button>
          </p>
        )}
        {!ready ? <p className="empty muted">Loading the library…</p> : total === 0 ? <EmptyState /> : <VirtualGrid loader={loader} mediaBase={transport.mediaBase} onOpen={open} />}
      </div>
      <Loupe transport={transport} loader={loader} />
    </section>
  );
}
