import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { appLocation, externalUrlAllowed, isAppUrl, permissionAllowed, type AppLocation } from './security-policy';

/**
 * The one app window, locked down: sandboxed renderer with a narrow preload, a strict CSP on every
 * response, no permission ever granted, no navigation away from the app and no new windows (https
 * links open in the user's browser).
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface MainWindow {
  window: BrowserWindow;
  /** The app's own page (the dev server's exact origin, or the exact index.html); IPC from any other frame is refused. */
  location: AppLocation;
  /** Loads the renderer (the dev server in development, the built files otherwise). */
  load(): Promise<void>;
}

export function createMainWindow(): MainWindow {
  session.defaultSession.webRequest.onHeadersReceived((details, respond) => {
    respond({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  const rendererUrl = process.env.ELECTRON_RENDERER_URL;
  const indexHtml = join(__dirname, '../renderer/index.html');
  const location = appLocation(rendererUrl, indexHtml);
  session.defaultSession.setPermissionRequestHandler((wc, permission, allow, details) => allow(permissionAllowed(permission, details.requestingUrl ?? wc?.getURL(), location)));
  session.defaultSession.setPermissionCheckHandler((wc, permission, requestingOrigin) => permissionAllowed(permission, wc?.getURL() ?? requestingOrigin, location));

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

  window.webContents.setWindowOpenHandler(({ url }) => {
    if (externalUrlAllowed(url)) void shell.openExternal(url);
    else console.warn(`KeyDrill: refused to open ${url} (not an allowed https link)`);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(location, url)) event.preventDefault();
  });

  const load = async (): Promise<void> => {
    if (rendererUrl) await window.loadURL(rendererUrl);
    else await window.loadFile(indexHtml);
  };
  return { window, location, load };
}
