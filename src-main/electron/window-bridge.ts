import { ipcMain, type BrowserWindow } from 'electron';
import { apiEvents, type ApiEvent, type ApiEventPayload } from '../../src-shared/api';
import { callApi, type AppContext } from '../app/api-handlers';
import { isAppUrl, type AppLocation } from './security-policy';

/**
 * The window's two IPC channels: `keydrill:invoke` into the API contract and `keydrill:event` out
 * of it. The preload (preload.ts) is the other end of both.
 */

/** Pushes one event of the contract to the window, checked against its schema first. */
export function pushEvent<E extends ApiEvent>(window: BrowserWindow, event: E, payload: ApiEventPayload<E>): void {
  forward(window, event, apiEvents[event].parse(payload));
}

/** Answers the window's API calls and forwards the services' events to it, until the window closes. */
export function connectWindow(window: BrowserWindow, location: AppLocation, ctx: AppContext): void {
  // One door in: the channel and the sender's frame are checked, then the payload by its schema.
  ipcMain.handle('keydrill:invoke', async (event, channel: unknown, args: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (event.sender !== window.webContents || !isAppUrl(location, frameUrl)) {
      return { ok: false, error: { code: 'unknown-channel', message: 'Refused: the request did not come from the KeyDrill window.' } };
    }
    return callApi(ctx, channel, args);
  });
  // The services check every payload as they emit it.
  const unsubscribe = ctx.services.events.onAny((name, payload) => forward(window, name, payload));
  window.on('closed', () => {
    unsubscribe();
    ipcMain.removeHandler('keydrill:invoke');
  });
}

/** As (name, payload) on one channel; the preload strips the IPC event object before listeners see it. */
function forward(window: BrowserWindow, name: ApiEvent, payload: unknown): void {
  if (!window.isDestroyed()) window.webContents.send('keydrill:event', name, payload);
}
