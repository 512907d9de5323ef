import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { syncUrl } from './state/lab';
import { installLabApi } from './ui/labApi';
import './ui/app.css';

installLabApi();
syncUrl();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
