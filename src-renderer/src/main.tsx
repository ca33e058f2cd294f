// First: its calls for the first page go out before the rest of the bundle is evaluated.
import { firstScreenReady } from './startup';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { connectAppEvents } from './app-state';
import './styles.css';

connectAppEvents();
const root = document.getElementById('root');
// The first page's data usually arrives within a few ms of this point: wait for it (at most 100 ms)
// so the page is drawn whole in one render, not empty and then again.
if (root) {
  void firstScreenReady(100).then(() => {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  });
}
