import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../app.css';
import './teach.css';
import { TeachApp } from './TeachApp';

const root = document.getElementById('root');
if (!root) throw new Error('teach.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <TeachApp />
  </StrictMode>,
);
