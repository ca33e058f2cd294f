import { spawn } from 'node:child_process';
import { AppServices } from '../app/app-services';
import { startBridge } from '../server/bridge-server';
import { ensureRendererBuilt } from '../server/renderer-build';
import { defineCommand, intOption } from './command-spec';
import { keydrillHome } from './keydrill-home';
import { EXIT_OK } from './usage-error';

/** `keydrill ui [--port P] [--no-open]`: the app in a browser, through the web bridge on 127.0.0.1. */
export const uiCommand = defineCommand({
  path: ['ui'],
  summary: 'the app in a browser: serves the UI and its API on 127.0.0.1 behind a per-launch token',
  description: 'Serves the same UI and API as the desktop window on 127.0.0.1 only, prints the URL (it carries a one-time token, traded for a cookie on first load) and opens it in the default browser. It uses the CLI\'s data folder ($KEYDRILL_HOME or ~/.keydrill): runs, events and reports are shared with keydrill drill run. Ctrl-C stops it.',
  options: {
    port: { type: 'string', value: 'P', description: 'the port on 127.0.0.1 (default: any free port)' },
    'no-open': { type: 'boolean', description: 'print the URL without opening a browser' },
    json: { type: 'boolean', description: 'print {url, origin, port, dataFolder} as one JSON line once serving' },
  },
  examples: [
    { command: 'keydrill ui', note: 'open the UI in the default browser' },
    { command: 'keydrill ui --port 8080 --no-open', note: 'a fixed port, for a browser on this machine' },
  ],
  async run({ values, output }) {
    const port = intOption('port', values.port, 0, 0, 65_535);
    const rendererDir = ensureRendererBuilt((line) => console.error(line));
    const services = new AppServices({ home: keydrillHome() });
    const bridge = await startBridge({ ctx: { services }, rendererDir, port });
    if (values.json) {
      output.json({ url: bridge.url, origin: bridge.origin, port: bridge.port, dataFolder: services.options.home });
    } else {
      console.log(`KeyDrill is at ${bridge.url}`);
      console.log(`  data folder ${services.options.home}; only this URL (it carries a one-time token) opens it. Ctrl-C stops.`);
    }
    if (!values['no-open']) openBrowser(bridge.url);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await bridge.close();
    await services.close();
    return EXIT_OK;
  },
});

function openBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => console.error('  (could not open a browser: open the URL above yourself)'));
    child.unref();
  } catch {
    console.error('  (could not open a browser: open the URL above yourself)');
  }
}
