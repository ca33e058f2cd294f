import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { KmsStatusPage } from './kms-status-page';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <KmsStatusPage />
    </StrictMode>,
  );
}
