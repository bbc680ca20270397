import type { Transport } from '../transport/index.ts';
import { FoldersPanel } from './FoldersPanel.tsx';
import { Header } from './Header.tsx';
import { PhotoGrid } from './PhotoGrid.tsx';
import { QueuePanel } from './QueuePanel.tsx';

export function App({ transport }: { transport: Transport }) {
  return (
    <div className="app">
      <Header />
      <div className="body">
        <aside className="sidebar" aria-label="Folders and queue">
          <FoldersPanel transport={transport} />
          <QueuePanel />
        </aside>
        <main className="content">
          <PhotoGrid mediaBase={transport.mediaBase} />
        </main>
      </div>
    </div>
  );
}
