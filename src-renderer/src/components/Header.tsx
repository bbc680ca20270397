import { deadCount, useLightbox } from '../store.ts';
import type { ConnectionState } from '../transport/index.ts';
import { useUi, type View } from '../ui-state.ts';
import { QueueIndicator } from './QueueIndicator.tsx';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Connection lost — reconnecting…',
};

const VIEWS: Array<{ view: View; label: string }> = [
  { view: 'library', label: 'Library' },
  { view: 'queue', label: 'Queue' },
  { view: 'settings', label: 'Settings' },
];

export function Header() {
  const connection = useLightbox((s) => s.connection);
  const syncError = useLightbox((s) => s.syncError);
  const queue = useLightbox((s) => s.queue);
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const setHelp = useUi((s) => s.setHelp);
  const dead = deadCount(queue);
  const busy = queue && !queue.idle;
  return (
    <header className="header">
      <h1 className="app-name">Lightbox</h1>
      <nav className="tabs" aria-label="Views">
        {VIEWS.map((item) => (
          <button key={item.view} type="button" className="tab" aria-current={view === item.view ? 'page' : undefined} onClick={() => setView(item.view)}>
            {item.label}
            {item.view === 'queue' && dead > 0 && (
              <span className="tab-badge" aria-label={`${dead} failed`}>
                {dead}
              </span>
            )}
            {item.view === 'queue' && dead === 0 && busy && <span className="tab-dot" aria-label="working" />}
          </button>
        ))}
      </nav>
      <div className="header-right">
        <QueueIndicator />
        {syncError && (
          <span className="sync-error" role="alert">
            {syncError}
          </span>
        )}
        <span className="connection" role="status" data-state={connection}>
          <span className="dot" aria-hidden="true" />
          {CONNECTION_TEXT[connection]}
        </span>
        <button type="button" className="help-button" aria-label="Keyboard shortcuts" onClick={() => setHelp(true)}>
          ?
        </button>
      </div>
    </header>
  );
}
