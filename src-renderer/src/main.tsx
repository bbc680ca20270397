import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { syncStore } from './sync.ts';
import { pickTransport } from './transport/index.ts';

const transport = pickTransport();
syncStore(transport);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App transport={transport} />
  </StrictMode>,
);
