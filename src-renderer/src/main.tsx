import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { GridLoader } from './library/grid-loader.ts';
import { syncStore } from './sync.ts';
import { pickTransport } from './transport/index.ts';
import { persistUiState } from './ui-state.ts';

// Saved view and filters first, so the first query already is the one the photographer left.
persistUiState();
const transport = pickTransport();
const loader = new GridLoader(transport);
syncStore(transport, loader);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App transport={transport} loader={loader} />
  </StrictMode>,
);
