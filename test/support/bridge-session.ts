import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppServices } from '../../src-main/app/app-services';
import { startBridge, type Bridge } from '../../src-main/server/bridge-server';

/**
 * The web bridge over `services`, serving a stand-in page from `<home>/renderer`, and the session
 * cookie a browser gets on its first visit: what a test needs to call the API as the page does.
 */
export async function openBridgeSession(services: AppServices, home: string): Promise<{ bridge: Bridge; cookie: string }> {
  mkdirSync(join(home, 'renderer'), { recursive: true });
  writeFileSync(join(home, 'renderer', 'index.html'), '<!doctype html><title>KeyDrill</title>');
  const bridge = await startBridge({ ctx: { services }, rendererDir: join(home, 'renderer'), port: 0 });
  const traded = await fetch(bridge.url, { redirect: 'manual' });
  return { bridge, cookie: (traded.headers.get('set-cookie') ?? '').split(';')[0] as string };
}
