// First: its calls for the first page go out before the rest of the bundle is evaluated.
import './startup';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { connectAppEvents } from './app-state';
import './styles.css';

connectAppEvents();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
