import { useEffect } from 'react';
import { isTypingTarget } from '../format.ts';
import type { GridLoader } from '../library/grid-loader.ts';
import { LibraryView } from '../library/LibraryView.tsx';
import { handleReviewKey } from '../library/review-actions.ts';
import { QueueView } from '../queue/QueueView.tsx';
import { SettingsView } from '../settings/SettingsView.tsx';
import type { Transport } from '../transport/index.ts';
import { useUi } from '../ui-state.ts';
import { Header } from './Header.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { PresetsDialog } from '../presets/PresetsDialog.tsx';
import { followApplyProgress } from '../presets/preset-store.ts';

/** "?" anywhere (but in a text field) toggles the key list; Esc closes it before anything else. */
function useHelpKey() {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTypingTarget(event.target)) return;
      const { help, setHelp } = useUi.getState();
      if (event.key === '?') setHelp(!help);
      else if (event.key === 'Escape' && help) setHelp(false);
      else return;
      event.preventDefault();
      event.stopImmediatePropagation();
    };
    // Capture phase, so the loupe's Esc does not also close the photo.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}

/** Stars and flags work in the grid and the loupe alike, on whatever the photographer is looking at. */
function useReviewKeys(transport: Transport) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const ui = useUi.getState();
      if (ui.view !== 'library' || ui.help || isTypingTarget(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (handleReviewKey(transport, event.key)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [transport]);
}

export function App({ transport, loader }: { transport: Transport; loader: GridLoader }) {
  const view = useUi((s) => s.view);
  useHelpKey();
  useReviewKeys(transport);
  useEffect(() => followApplyProgress(transport), [transport]);
  return (
    <div className="app">
      <Header />
      <main className="content">
        {view === 'library' && <LibraryView transport={transport} loader={loader} />}
        {view === 'queue' && <QueueView transport={transport} />}
        {view === 'settings' && <SettingsView transport={transport} />}
      </main>
      <HelpOverlay />
      <PresetsDialog transport={transport} />
    </div>
  );
}
