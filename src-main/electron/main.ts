import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { join } from 'node:path';
import { callApi, type AppContext } from '../app/api-handlers';
import { AppServices } from '../app/app-services';
import { keydrillHome } from '../cli/keydrill-home';
import { EmbeddedKms } from '../kms/embedded/embedded-kms';

/**
 * The desktop shell: one locked-down window over the same services the CLI and the web bridge use.
 * The embedded KMS runs in this process with its data in the app's user-data folder; drills, runs,
 * events and reports live in the same data folder as the CLI's ($KEYDRILL_HOME, else ~/.keydrill).
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = join(app.getPath('userData'), 'kms');
  const kms = new EmbeddedKms({ dataDir });
  const endpoint = await kms.listen(0);
  const services = new AppServices({ home: keydrillHome() });
  const ctx: AppContext = { services, kms: { kms, endpoint, dataDir } };

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

  // One door in: the channel and the sender's frame are checked, then the payload by its schema.
  ipcMain.handle('keydrill:invoke', async (event, channel: unknown, args: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (event.sender !== window.webContents || !frameUrl.startsWith(allowedOrigin)) {
      return { ok: false, error: { code: 'unknown-channel', message: 'Refused: the request did not come from the KeyDrill window.' } };
    }
    return callApi(ctx, channel, args);
  });

  // Pushed events go to this window only, as (name, payload); the preload strips the IPC event object.
  const unsubscribe = services.events.onAny((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send('keydrill:event', name, payload);
  });
  window.on('closed', unsubscribe);

  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(allowedOrigin)) event.preventDefault();
  });

  if (rendererUrl) await window.loadURL(rendererUrl);
  else await window.loadFile(join(__dirname, '../renderer/index.html'));

  app.on('window-all-closed', () => {
    void Promise.allSettled([services.close(), kms.close()]).finally(() => app.quit());
  });
}

start().catch((err: unknown) => {
  console.error(`KeyDrill could not start: ${(err as Error).message}`);
  app.exit(1);
});
