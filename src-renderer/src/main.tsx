import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { connectAppEvents } from './app-state';
import { startEarlyCalls } from './startup';
import './styles.css';

startEarlyCalls();
connectAppEvents();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
