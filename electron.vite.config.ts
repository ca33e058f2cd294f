import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

// Roots as ARCHITECTURE.md lays them out: the Electron shell in src-main/electron, the UI in src-renderer.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The record cipher pool starts its workers from record-worker.js beside the main bundle.
        input: { index: resolve(__dirname, 'src-main/electron/main.ts'), 'record-worker': resolve(__dirname, 'src-main/envelope/record-worker.ts'), 'store-writer': resolve(__dirname, 'src-main/audit/store-writer-worker.ts'), 'trail-digest': resolve(__dirname, 'src-main/drill/trail-digest-worker.ts') },
        // The window prints PDFs with Electron's printToPDF (its DesktopShell), so the headless
        // printer of the CLI and web bridge is never loaded here: its lazy chunk may name the
        // browser driver, but the 6 MB driver itself is not bundled into the app.
        external: ['playwright-core'],
      },
    },
  },
  preload: {
    // A sandboxed preload must be CommonJS.
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src-main/electron/preload.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } } },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    // Minified: electron-vite leaves the renderer unminified by default, and the window (and the
    // browser through the bridge) parses the whole bundle before the first page is interactive.
    build: { minify: true, rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') } },
    plugins: [react()],
  },
});
