import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';

/**
 * The one app window, locked down: sandboxed renderer with a narrow preload, a strict CSP on every
 * response, no permission ever granted, no navigation away from the app and no new windows (https
 * links open in the user's browser).
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface MainWindow {
  window: BrowserWindow;
  /** Where the renderer is served from; IPC from any other frame is refused. */
  allowedOrigin: string;
  /** Loads the renderer (the dev server in development, the built files otherwise). */
  load(): Promise<void>;
}

export function createMainWindow(): MainWindow {
  session.defaultSession.webRequest.onHeadersReceived((details, respond) => {
    respond({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, allow) => allow(false));

  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'KeyDrill',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  const rendererUrl = process.env.ELECTRON_RENDERER_URL;
  const allowedOrigin = rendererUrl ? new URL(rendererUrl).origin : 'file://';

  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(allowedOrigin)) event.preventDefault();
  });

  const load = async (): Promise<void> => {
    if (rendererUrl) await window.loadURL(rendererUrl);
    else await window.loadFile(join(__dirname, '../renderer/index.html'));
  };
  return { window, allowedOrigin, load };
}
