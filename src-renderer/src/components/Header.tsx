import { useLightbox } from '../store.ts';
import type { ConnectionState } from '../transport/index.ts';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Connection lost — reconnecting…',
};

export function Header() {
  const connection = useLightbox((s) => s.connection);
  const appInfo = useLightbox((s) => s.appInfo);
  const syncError = useLightbox((s) => s.syncError);
  return (
    <header className="header">
      <h1 className="app-name">Lightbox</h1>
      {appInfo && (
        <span className="library" title={appInfo.libraryDir}>
          Library: {appInfo.libraryDir}
        </span>
      )}
      <div className="header-right">
        {syncError && (
          <span className="sync-error" role="alert">
            {syncError}
          </span>
        )}
        <span className="connection" role="status" data-state={connection}>
          <span className="dot" aria-hidden="true" />
          {CONNECTION_TEXT[connection]}
        </span>
      </div>
    </header>
  );
}
