import type { GridLoader } from './grid-loader.ts';
import { useLibrary } from './library-store.ts';

type Modifiers = { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean };

/**
 * Click rules as in every file browser: a click selects one photo, shift extends from the anchor,
 * ctrl/cmd toggles one. A range may cross pages not loaded yet; the loader resolves their ids.
 */
export async function pointerSelect(loader: GridLoader, index: number, id: number, mods: Modifiers): Promise<void> {
  const state = useLibrary.getState();
  state.setFocus(index);
  if (mods.shiftKey) {
    const anchor = state.anchor ?? index;
    const ids = await loader.idsBetween(anchor, index);
    useLibrary.getState().setSelection(new Set(ids), anchor);
  } else if (mods.ctrlKey || mods.metaKey) {
    const next = new Set(state.selection);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    state.setSelection(next, index);
  } else {
    state.setSelection(new Set([id]), index);
  }
}

/** Arrow keys: the focus moves; plain moves select the photo, shift extends, ctrl/cmd only moves. */
export async function moveFocus(loader: GridLoader, to: number, mods: Modifiers): Promise<void> {
  const state = useLibrary.getState();
  if (state.total === 0) return;
  const index = Math.max(0, Math.min(to, state.total - 1));
  state.setFocus(index);
  if (mods.ctrlKey || mods.metaKey) return;
  if (mods.shiftKey) {
    const anchor = state.anchor ?? state.focus;
    const ids = await loader.idsBetween(anchor, index);
    useLibrary.getState().setSelection(new Set(ids), anchor);
    return;
  }
  const [id] = await loader.idsBetween(index, index);
  if (id !== undefined) useLibrary.getState().setSelection(new Set([id]), index);
}

export async function selectAllFiltered(loader: GridLoader): Promise<void> {
  const { query } = useLibrary.getState();
  const ids = await loader.allIds();
  // The filter changed while the ids were on their way: they are the old filter's photos.
  if (useLibrary.getState().query !== query) return selectAllFiltered(loader);
  useLibrary.getState().setSelection(new Set(ids), null);
}

export function clearSelection(): void {
  useLibrary.getState().setSelection(new Set(), null);
}
