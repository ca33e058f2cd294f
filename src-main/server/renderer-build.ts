import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StaticFiles } from './static-files';

/** Where `electron-vite build` puts the renderer: the web bridge serves the same files the window loads. */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url)).replace(/[/\\]$/, '');
const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** The built renderer, building it first (`npx electron-vite build`, ~10 s) when it is missing. */
export function ensureRendererBuilt(log: (line: string) => void = () => undefined): string {
  if (StaticFiles.exists(RENDERER_DIR)) return RENDERER_DIR;
  log('The UI is not built yet: running electron-vite build…');
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: PROJECT_DIR, stdio: 'ignore', timeout: 300_000 });
  if (r.status !== 0 || !StaticFiles.exists(RENDERER_DIR)) {
    throw new Error(`could not build the UI (electron-vite build exited ${r.status ?? r.signal}); run 'npm run build' in ${PROJECT_DIR} and try again`);
  }
  return RENDERER_DIR;
}
