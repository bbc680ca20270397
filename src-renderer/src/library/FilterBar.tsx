import { useEffect, useState } from 'react';
import { PhotoStage, type PhotoSortKey } from '../contract.ts';
import { STAGE_TEXT } from '../format.ts';
import { useLightbox } from '../store.ts';
import type { Transport } from '../transport/index.ts';
import { useLibrary } from './library-store.ts';
import { MeaningToggle } from './MeaningToggle.tsx';

const SORT_TEXT: Record<PhotoSortKey, string> = { imported: 'Import time', captured: 'Capture date', name: 'File name', relevance: 'Relevance' };
/** Picking a sort starts in the direction people expect: names A to Z, dates newest first, best match first. */
const NATURAL_ORDER: Record<PhotoSortKey, 'asc' | 'desc'> = { imported: 'desc', captured: 'desc', name: 'asc', relevance: 'desc' };
const number = new Intl.NumberFormat('en');

/** Stage chips with counts, then folder, dates, sort and the search box. */
export function FilterBar({ transport }: { transport: Transport }) {
  const query = useLibrary((s) => s.query);
  // Latched: `ready` goes false again on every new query, and the toggle should not blink with it.
  const ready = useLibrary((s) => s.ready);
  const [started, setStarted] = useState(false);
  useEffect(() => {
    if (ready) setStarted(true);
  }, [ready]);
  const counts = useLibrary((s) => s.counts);
  const setQuery = useLibrary((s) => s.setQuery);
  const folders = useLightbox((s) => s.folders);
  const [text, setText] = useState(query.text);

  // The query changed elsewhere (Clear all filters, a reload): the box shows it.
  useEffect(() => setText(query.text), [query.text]);
  // Typing re-queries after a short pause, not on every key.
  useEffect(() => {
    if (text === query.text) return;
    const timer = setTimeout(() => setQuery({ text }), 250);
    return () => clearTimeout(timer);
  }, [text, query.text, setQuery]);

  // Stages the engine does not produce yet stay hidden until a photo is in them (or one is picked).
  const stages = PhotoStage.options.filter((stage) => (counts?.byStage[stage] ?? 0) > 0 || query.stage === stage);

  return (
    <div className="filter-bar">
      <div className="chip-row">
        <div className="stage-filters" role="group" aria-label="Filter by stage">
          <button type="button" className="chip" aria-pressed={query.stage === null} onClick={() => setQuery({ stage: null })}>
            All <span className="chip-count">{counts ? number.format(counts.total) : '…'}</span>
          </button>
          {stages.map((stage) => (
            <button key={stage} type="button" className="chip" data-stage={stage} aria-pressed={query.stage === stage} onClick={() => setQuery({ stage: query.stage === stage ? null : stage })}>
              {STAGE_TEXT[stage]} <span className="chip-count">{number.format(counts?.byStage[stage] ?? 0)}</span>
            </button>
          ))}
        </div>
        {/* Not a stage (counted across them, combined with the stage chosen): shown once there is a duplicate, or while it filters. */}
        {((counts?.duplicates ?? 0) > 0 || query.duplicates) && (
          <div className="stage-filters" role="group" aria-label="Filter by duplicates">
            <button type="button" className="chip chip-duplicates" aria-pressed={query.duplicates} onClick={() => setQuery({ duplicates: !query.duplicates })}>
              Duplicates <span className="chip-count">{number.format(counts?.duplicates ?? 0)}</span>
            </button>
          </div>
        )}
      </div>
      <div className="query-controls">
        <div className="search-group">
          <input
            type="search"
            className="search"
            aria-label="Search photos"
            placeholder={query.semantic ? 'Describe the photo: dog on a beach' : 'Names, keywords, captions'}
            title="Finds file names, and the words of titles, descriptions, keywords, cameras and lenses, and what analysis saw (objects, tags, captions)."
            value={text}
            spellCheck={false}
            onChange={(e) => setText(e.target.value)}
          />
          {started && <MeaningToggle transport={transport} />}
        </div>
        <label className="control">
          <span>Folder</span>
          <select value={query.folderId ?? ''} onChange={(e) => setQuery({ folderId: e.target.value ? Number(e.target.value) : null })}>
            <option value="">All folders</option>
            {folders.map((folder) => (
              <option key={folder.id} value={folder.id}>
                {folder.path}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          <span>Taken from</span>
          <input type="date" value={query.from} max={query.to || undefined} onChange={(e) => setQuery({ from: e.target.value })} />
        </label>
        <label className="control">
          <span>to</span>
          <input type="date" value={query.to} min={query.from || undefined} onChange={(e) => setQuery({ to: e.target.value })} />
        </label>
        <label className="control">
          <span>Stars</span>
          <select value={query.minRating ?? ''} onChange={(e) => setQuery({ minRating: e.target.value ? Number(e.target.value) : null })}>
            <option value="">Any</option>
            {[1, 2, 3, 4, 5].map((n) => (
              <option key={n} value={n}>
                {'★'.repeat(n)}
                {n < 5 ? ' or more' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          <span>Flag</span>
          <select value={query.flag ?? ''} onChange={(e) => setQuery({ flag: e.target.value === '' ? null : (e.target.value as 'pick' | 'reject' | 'none') })}>
            <option value="">Any</option>
            <option value="pick">Picks</option>
            <option value="reject">Rejects</option>
            <option value="none">Unflagged</option>
          </select>
        </label>
        <label className="control">
          <span>Sort by</span>
          <select value={query.sort} onChange={(e) => setQuery({ sort: e.target.value as PhotoSortKey, order: NATURAL_ORDER[e.target.value as PhotoSortKey] })}>
            {(Object.keys(SORT_TEXT) as PhotoSortKey[]).filter((key) => key !== 'relevance' || query.semantic).map((key) => (
              <option key={key} value={key}>
                {SORT_TEXT[key]}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="order"
          aria-label={query.order === 'desc' ? 'Newest or last first; switch to ascending' : 'Oldest or first first; switch to descending'}
          title={query.order === 'desc' ? 'Descending' : 'Ascending'}
          onClick={() => setQuery({ order: query.order === 'desc' ? 'asc' : 'desc' })}
        >
          {query.order === 'desc' ? '↓' : '↑'}
        </button>
      </div>
    </div>
  );
}
