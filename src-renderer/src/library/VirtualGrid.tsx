import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { isTypingTarget } from '../format.ts';
import type { GridLoader } from './grid-loader.ts';
import { GridTile, type TileHandlers } from './GridTile.tsx';
import { useLibrary } from './library-store.ts';
import { clearSelection, moveFocus, pointerSelect, selectAllFiltered } from './selection.ts';

const MIN_TILE = 168;
const GAP = 8;
const PAD = 12;
const CAPTION = 30;
/** Rows rendered beyond the viewport each way, so a fast flick does not show empty cells. */
const OVERSCAN = 2;
/**
 * Rows that come into view while the rendered range changes faster than once per this many ms
 * (about 2,000 px/s) ask for their thumbnails only when the scroll slows down. A flick across the
 * library would otherwise queue a request per photo flown past; the browser serves them in order,
 * six at a time, so the photos where the flick stops would arrive a second or more later, last.
 */
const SETTLE_MS = 120;

export type GridMetrics = { columns: number; tile: number; rowHeight: number };

/** Fixed-size rows: the row of any index is arithmetic, so 10,000 photos cost what 40 visible ones do. */
export function gridMetrics(width: number): GridMetrics {
  const inner = Math.max(MIN_TILE, width - 2 * PAD);
  const columns = Math.max(1, Math.floor((inner + GAP) / (MIN_TILE + GAP)));
  const tile = Math.floor((inner - GAP * (columns - 1)) / columns);
  return { columns, tile, rowHeight: tile + CAPTION + GAP };
}

type RowProps = { row: number; metrics: GridMetrics; total: number; mediaBase: string; handlers: TileHandlers; showImages: boolean };

/** A row re-renders only when its own inputs change, not on every scroll event. */
const GridRow = memo(function GridRow({ row, metrics, total, mediaBase, handlers, showImages }: RowProps) {
  const cells = [];
  for (let col = 0; col < metrics.columns; col += 1) {
    const index = row * metrics.columns + col;
    if (index >= total) break;
    cells.push(<GridTile key={col} index={index} width={metrics.tile} height={metrics.tile + CAPTION} mediaBase={mediaBase} handlers={handlers} showImage={showImages} />);
  }
  return (
    <div
      role="row"
      aria-rowindex={row + 1}
      className="grid-row"
      // A fixed box (with `contain: strict`) is a layout boundary: a row's new tiles never make the browser lay out the rest.
      style={{ transform: `translateY(${PAD + row * metrics.rowHeight}px)`, gap: GAP, left: PAD, height: metrics.tile + CAPTION, width: metrics.columns * (metrics.tile + GAP) }}
    >
      {cells}
    </div>
  );
});

/** Rows in view plus overscan; scrolling re-renders only when this range changes. */
function visibleRows(scrollTop: number, height: number, metrics: GridMetrics, rows: number): { first: number; last: number } {
  return {
    first: Math.max(0, Math.floor((scrollTop - PAD) / metrics.rowHeight) - OVERSCAN),
    last: Math.min(rows - 1, Math.ceil((scrollTop + height) / metrics.rowHeight) + OVERSCAN),
  };
}

export function VirtualGrid({ loader, mediaBase, onOpen }: { loader: GridLoader; mediaBase: string; onOpen(index: number, id: number): void }) {
  const total = useLibrary((s) => s.total);
  const focus = useLibrary((s) => s.focus);
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ width: 0, height: 0 });
  const [scrollTop, setScrollTop] = useState(0);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewport({ width: element.clientWidth, height: element.clientHeight }));
    observer.observe(element);
    setViewport({ width: element.clientWidth, height: element.clientHeight });
    return () => observer.disconnect();
  }, []);

  const metrics = useMemo(() => gridMetrics(viewport.width), [viewport.width]);
  const rows = Math.ceil(total / metrics.columns);
  const { first: firstRow, last: lastRow } = visibleRows(scrollTop, viewport.height, metrics, rows);

  useEffect(() => {
    if (viewport.height === 0 || total === 0) return;
    loader.ensureRange(firstRow * metrics.columns, (lastRow + 1) * metrics.columns - 1);
  }, [loader, firstRow, lastRow, metrics.columns, total, viewport.height]);

  // Rows whose thumbnails may load: the range as it was when the scroll last slowed down. The first
  // render, a resize, a key press or a slow scroll settle at once; a flick SETTLE_MS after it ends.
  const [settled, setSettled] = useState({ first: 0, last: -1 });
  const flicking = useRef(false);
  const lastScrolledRange = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    // Read, not reset: React may render one flick's range changes in two commits.
    if (!flicking.current) {
      setSettled({ first: firstRow, last: lastRow });
      return;
    }
    const timer = setTimeout(() => setSettled({ first: firstRow, last: lastRow }), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [firstRow, lastRow]);

  // Keep the focused photo in view when the keyboard (or the loupe) moves it.
  useEffect(() => {
    const element = scroller.current;
    if (!element || viewport.height === 0) return;
    const top = PAD + Math.floor(focus / metrics.columns) * metrics.rowHeight;
    if (top < element.scrollTop) element.scrollTop = top - PAD;
    else if (top + metrics.rowHeight > element.scrollTop + viewport.height) element.scrollTop = top + metrics.rowHeight - viewport.height + PAD;
  }, [focus, metrics, viewport.height]);

  // Scroll position is read once per frame, in the frame's own rendering step, and the grid
  // re-renders only when the rendered row range changes, not on every scrolled pixel.
  const frame = useRef(0);
  const range = useRef({ firstRow, lastRow, viewport, metrics, rows });
  range.current = { firstRow, lastRow, viewport, metrics, rows };
  const onScroll = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const element = scroller.current;
      if (!element) return;
      const { firstRow: first, lastRow: last, viewport: view, metrics: m, rows: count } = range.current;
      const next = visibleRows(element.scrollTop, view.height, m, count);
      if (next.first === first && next.last === last) return;
      // Scrolled into a new range again within SETTLE_MS: a flick, whose new rows wait for their thumbnails.
      const now = performance.now();
      flicking.current = now - lastScrolledRange.current < SETTLE_MS;
      lastScrolledRange.current = now;
      setScrollTop(element.scrollTop);
    });
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const handlers = useMemo<TileHandlers>(
    () => ({
      onPointer: (index, id, event) => {
        scroller.current?.focus({ preventScroll: true });
        void pointerSelect(loader, index, id, event);
      },
      onOpen,
    }),
    [loader, onOpen],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (isTypingTarget(event.target)) return;
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: metrics.columns,
      ArrowUp: -metrics.columns,
      PageDown: metrics.columns * Math.max(1, Math.floor(viewport.height / metrics.rowHeight)),
      PageUp: -metrics.columns * Math.max(1, Math.floor(viewport.height / metrics.rowHeight)),
    };
    const mods = { shiftKey: event.shiftKey, ctrlKey: event.ctrlKey, metaKey: event.metaKey };
    if (event.key in step) void moveFocus(loader, focus + (step[event.key] ?? 0), mods);
    else if (event.key === 'Home') void moveFocus(loader, 0, mods);
    else if (event.key === 'End') void moveFocus(loader, total - 1, mods);
    else if (event.key === 'Enter') {
      const id = useLibrary.getState().slots[focus];
      if (id !== undefined) onOpen(focus, id);
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') void selectAllFiltered(loader);
    else if (event.key === 'Escape') clearSelection();
    else return;
    event.preventDefault();
  };

  // Only rows in view (plus overscan) exist in the DOM; each sits at its arithmetic offset.
  const rowSlots = Math.ceil(viewport.height / metrics.rowHeight) + 2 * OVERSCAN + 3;
  const rowElements = [];
  for (let row = firstRow; row <= lastRow; row += 1) {
    // Keyed by slot, not by row: a row scrolling in reuses the DOM of the one that scrolled out
    // (attributes and image src change; nothing is created or removed), which halves frame cost.
    rowElements.push(
      <GridRow key={row % rowSlots} row={row} metrics={metrics} total={total} mediaBase={mediaBase} handlers={handlers} showImages={row >= settled.first && row <= settled.last} />,
    );
  }
  const focusRendered = focus >= firstRow * metrics.columns && focus <= (lastRow + 1) * metrics.columns - 1 && focus < total;

  return (
    <div
      ref={scroller}
      className="grid-scroll"
      role="grid"
      aria-label="Photos"
      aria-rowcount={rows}
      aria-colcount={metrics.columns}
      aria-multiselectable="true"
      aria-activedescendant={focusRendered ? `photo-cell-${focus}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={onScroll}
    >
      <div className="grid-canvas" style={{ height: PAD * 2 + rows * metrics.rowHeight }}>
        {rowElements}
      </div>
    </div>
  );
}
