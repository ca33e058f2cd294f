import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_CHANNEL_NAMES, API_EVENT_NAMES } from '../../src-shared/api-channels';

/**
 * The renderer's only way into main: `window.keydrill.invoke(channel, args)` for channels of the
 * contract and `window.keydrill.on(event, listener)` for its pushed events. No raw ipcRenderer, no
 * getters or proxies cross the bridge; listeners never see the IPC event object.
 */
const channels = new Set<string>(API_CHANNEL_NAMES);
const events = new Set<string>(API_EVENT_NAMES);

contextBridge.exposeInMainWorld('keydrill', {
  invoke: (channel: string, args: unknown): Promise<unknown> => {
    if (!channels.has(channel)) return Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: `Unknown API channel ${channel}` } });
    return ipcRenderer.invoke('keydrill:invoke', channel, args);
  },
  on: (event: string, listener: (payload: unknown) => void): (() => void) => {
    if (!events.has(event) || typeof listener !== 'function') return () => undefined;
    const forward = (_ipc: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('keydrill:event', forward);
    return () => {
      ipcRenderer.removeListener('keydrill:event', forward);
    };
  },
});
