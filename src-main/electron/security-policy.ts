import { fileURLToPath } from 'node:url';

/**
 * The desktop window's security decisions as plain functions (no Electron import, so they are unit
 * tested in Node): which URLs are the app itself, which permissions a page may have, which links
 * may open in the user's browser. window.ts and window-bridge.ts apply them.
 */

/**
 * The app's own page: in development the dev server's exact origin; packaged, the exact
 * renderer/index.html file. Never a prefix — `file://` alone would admit every file on disk, and
 * `http://localhost:5173` as a prefix admits `http://localhost:5173.evil.example`.
 */
export type AppLocation = { kind: 'dev'; origin: string } | { kind: 'file'; path: string };

export function appLocation(devServerUrl: string | undefined, indexHtmlPath: string): AppLocation {
  if (devServerUrl) {
    const url = new URL(devServerUrl);
    if (url.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      throw new Error(`ELECTRON_RENDERER_URL must be an http URL on this machine, got ${devServerUrl}`);
    }
    return { kind: 'dev', origin: url.origin };
  }
  return { kind: 'file', path: indexHtmlPath };
}

/** Whether `url` is the app's page (any hash or query: the renderer routes with them). */
export function isAppUrl(location: AppLocation, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.kind === 'dev') return parsed.origin === location.origin && parsed.username === '' && parsed.password === '';
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return false;
  try {
    return samePath(fileURLToPath(new URL(`${parsed.protocol}//${parsed.host}${parsed.pathname}`)), location.path);
  } catch {
    return false;
  }
}

function samePath(a: string, b: string): boolean {
  // Windows paths compare without regard to case or slash direction.
  return process.platform === 'win32' ? a.replace(/\//g, '\\').toLowerCase() === b.replace(/\//g, '\\').toLowerCase() : a === b;
}

/**
 * Permissions a page of the app may use. None: the app needs no camera, microphone, notifications,
 * geolocation, MIDI, USB, HID, serial, clipboard reads… (copying to the clipboard needs no
 * permission). Both the request and the check handler answer from this.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set<string>();

export function permissionAllowed(permission: string, requestingUrl: string | undefined, location: AppLocation): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(location, requestingUrl);
}

/**
 * Hosts whose https links open in the user's browser: AWS's documentation and the vendor pages the
 * reports and help cite. Anything else is refused (and logged), so a link planted in an imported
 * log or a scenario cannot open an arbitrary site or a custom protocol handler.
 */
export const EXTERNAL_HOSTS: readonly string[] = [
  'docs.aws.amazon.com',
  'aws.amazon.com',
  'www.mongodb.com',
  'docs.localstack.cloud',
  'github.com',
];

export function externalUrlAllowed(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.port === '' && EXTERNAL_HOSTS.includes(parsed.hostname);
}
