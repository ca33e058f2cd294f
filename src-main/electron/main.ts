import { app } from 'electron';
import { join } from 'node:path';
import type { AppContext } from '../app/api-handlers';
import { AppServices } from '../app/app-services';
import { keydrillHome } from '../cli/keydrill-home';
import { EmbeddedKms } from '../kms/embedded/embedded-kms';
import { createDesktopShell } from './desktop-shell';
import { installAppMenu } from './menu';
import { createMainWindow } from './window';
import { connectWindow, pushEvent } from './window-bridge';

/**
 * The desktop shell: one locked-down window over the same services the CLI and the web bridge use,
 * plus what only a desktop has — native menus, save dialogs and printToPDF (the DesktopShell the
 * services are handed). The embedded KMS runs in this process with its data in the app's user-data
 * folder; drills, runs, events and reports live in the same data folder as the CLI's
 * ($KEYDRILL_HOME, else ~/.keydrill).
 */
async function start(): Promise<void> {
  // One window per user: a second launch hands over to the first (which comes to the front) and quits,
  // so two processes never open the same data folder and the embedded KMS's lock.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const dataDir = join(app.getPath('userData'), 'kms');
  const kms = new EmbeddedKms({ dataDir });
  const endpoint = await kms.listen(0);
  const services = new AppServices({ home: keydrillHome() });

  const { window, location, load } = createMainWindow();
  const ctx: AppContext = { services, kms: { kms, endpoint, dataDir }, desktop: createDesktopShell(window) };
  connectWindow(window, location, ctx);
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  installAppMenu({ window, services, send: (command) => pushEvent(window, 'menu:command', command) });

  app.on('window-all-closed', () => {
    void Promise.allSettled([services.close(), kms.close()]).finally(() => app.quit());
  });
  await load();
}

start().catch((err: unknown) => {
  console.error(`KeyDrill could not start: ${(err as Error).message}`);
  app.exit(1);
});
