import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { syncUrl } from './state/lab';
import { startBranching } from './state/branches';
import { restoreRuns, startPersistence } from './state/persist';
import { installLabApi } from './ui/labApi';
import './ui/app.css';

installLabApi();
syncUrl();
startBranching();
// Bring back what the last visit saved, then keep saving. Storage errors become notices, never crashes.
restoreRuns()
  .catch(() => 0)
  .finally(() => startPersistence());
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
