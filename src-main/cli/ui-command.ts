import { spawn } from 'node:child_process';
import { AppServices } from '../app/app-services';
import { startBridge } from '../server/bridge-server';
import { ensureRendererBuilt } from '../server/renderer-build';
import { intOption, parseCommand } from './args';
import { keydrillHome } from './keydrill-home';
import { EXIT_OK } from './usage-error';


/** `keydrill ui [--port P] [--no-open]`: the app in a browser, through the web bridge on 127.0.0.1. */
export async function uiCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('ui', argv, { port: { type: 'string' }, 'no-open': { type: 'boolean' } });
  const port = intOption('port', values.port, 0, 0, 65_535);
  const rendererDir = ensureRendererBuilt((line) => console.error(line));
  const services = new AppServices({ home: keydrillHome() });
  const bridge = await startBridge({ ctx: { services }, rendererDir, port });
  console.log(`KeyDrill is at ${bridge.url}`);
  console.log(`  data folder ${services.options.home}; only this URL (it carries a one-time token) opens it. Ctrl-C stops.`);
  if (!values['no-open']) openBrowser(bridge.url);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await bridge.close();
  await services.close();
  return EXIT_OK;
}

function openBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => console.log('  (could not open a browser: open the URL above yourself)'));
    child.unref();
  } catch {
    console.log('  (could not open a browser: open the URL above yourself)');
  }
}
