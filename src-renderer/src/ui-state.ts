import { create } from 'zustand';
import { PhotoSortKey, PhotoStage } from './contract.ts';
import { DEFAULT_QUERY, useLibrary, type GridQuery } from './library/library-store.ts';

export type View = 'library' | 'queue' | 'settings';

export const useUi = create<{ view: View; help: boolean; setView(view: View): void; setHelp(help: boolean): void }>()((set) => ({
  view: 'library',
  help: false,
  setView: (view) => set({ view }),
  setHelp: (help) => set({ help }),
}));

const KEY = 'lightbox.ui.v1';
type Saved = { view: View; query: GridQuery; loupeId: number | null; focus: number; selection: number[] };

function readSaved(): Partial<Saved> {
  try {
    const raw: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '{}');
    return typeof raw === 'object' && raw !== null ? (raw as Partial<Saved>) : {};
  } catch {
    return {};
  }
}

/** Saved values are re-checked field by field: an older build may have written something else. */
function validQuery(query: unknown): GridQuery {
  if (typeof query !== 'object' || query === null) return DEFAULT_QUERY;
  const q = query as Record<string, unknown>;
  const text = (key: string) => (typeof q[key] === 'string' ? (q[key] as string) : '');
  return {
    stage: PhotoStage.safeParse(q.stage).data ?? null,
    folderId: typeof q.folderId === 'number' && q.folderId > 0 ? q.folderId : null,
    from: text('from'),
    to: text('to'),
    text: text('text'),
    semantic: q.semantic === true,
    minRating: typeof q.minRating === 'number' && q.minRating >= 1 && q.minRating <= 5 ? q.minRating : null,
    flag: q.flag === 'pick' || q.flag === 'reject' || q.flag === 'none' ? q.flag : null,
    duplicates: q.duplicates === true,
    sort: PhotoSortKey.safeParse(q.sort).data ?? DEFAULT_QUERY.sort,
    order: q.order === 'asc' ? 'asc' : 'desc',
  };
}

/**
 * A reload keeps what the photographer was looking at (view, filters, sort, open photo, focus, selection).
 * Per tab (sessionStorage): a second window starts fresh instead of fighting over one state.
 */
export function persistUiState(): () => void {
  const saved = readSaved();
  if (saved.view === 'library' || saved.view === 'queue' || saved.view === 'settings') useUi.setState({ view: saved.view });
  useLibrary.setState({
    query: validQuery(saved.query),
    loupeId: typeof saved.loupeId === 'number' ? saved.loupeId : null,
    focus: typeof saved.focus === 'number' && saved.focus >= 0 ? saved.focus : 0,
    selection: new Set(Array.isArray(saved.selection) ? saved.selection.filter((id) => Number.isInteger(id) && id > 0) : []),
  });
  const save = () => {
    const { query, loupeId, focus, selection } = useLibrary.getState();
    const value: Saved = { view: useUi.getState().view, query, loupeId, focus, selection: [...selection] };
    sessionStorage.setItem(KEY, JSON.stringify(value));
  };
  const unsubscribeUi = useUi.subscribe(save);
  const unsubscribeLibrary = useLibrary.subscribe((state, previous) => {
    if (state.query !== previous.query || state.loupeId !== previous.loupeId || state.focus !== previous.focus || state.selection !== previous.selection) save();
  });
  return () => {
    unsubscribeUi();
    unsubscribeLibrary();
  };
}
