import { contextBridge, ipcRenderer } from 'electron';
import { API_CHANNEL_NAMES } from '../../src-shared/api-channels';

/**
 * The renderer's only way into main: `window.keydrill.invoke(channel, args)` for channels of the
 * contract. No raw ipcRenderer, no getters or proxies cross the bridge.
 */
const allowed = new Set<string>(API_CHANNEL_NAMES);

contextBridge.exposeInMainWorld('keydrill', {
  invoke: (channel: string, args: unknown): Promise<unknown> => {
    if (!allowed.has(channel)) return Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: `Unknown API channel ${channel}` } });
    return ipcRenderer.invoke('keydrill:invoke', channel, args);
  },
});
