import { lazy, Suspense, useEffect } from 'react';
import { isTypingTarget } from '../format.ts';
import type { GridLoader } from '../library/grid-loader.ts';
import { LibraryView } from '../library/LibraryView.tsx';
import { handleReviewKey } from '../library/review-actions.ts';
import type { Transport } from '../transport/index.ts';
import { useUi } from '../ui-state.ts';
import { Header } from './Header.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { ModelsBanner } from './ModelsBanner.tsx';
import { PresetsDialog } from '../presets/PresetsDialog.tsx';
import { followApplyProgress } from '../presets/preset-store.ts';

// Screens other than the grid load on first use: the first grid paint waits for every byte of
// script the page parses and compiles before it asks for photos.
const QueueView = lazy(() => import('../queue/QueueView.tsx').then((m) => ({ default: m.QueueView })));
const SettingsView = lazy(() => import('../settings/SettingsView.tsx').then((m) => ({ default: m.SettingsView })));

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
      <ModelsBanner transport={transport} />
      <main className="content">
        {view === 'library' && <LibraryView transport={transport} loader={loader} />}
        <Suspense fallback={<p className="empty muted">Loading…</p>}>
          {view === 'queue' && <QueueView transport={transport} />}
          {view === 'settings' && <SettingsView transport={transport} />}
        </Suspense>
      </main>
      <HelpOverlay />
      <PresetsDialog transport={transport} />
    </div>
  );
}
