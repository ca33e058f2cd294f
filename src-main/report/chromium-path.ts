import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserType } from 'playwright-core';
import { ReportError } from './report-error';

/** The flags STACK.md found to run Debian's Chromium headless on the build machines, offline. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Where browsers that print PDFs (Chromium, Google Chrome, Microsoft Edge) install on each OS, in
 * order of preference. `platform` and `env` are parameters so every OS's list is testable anywhere.
 */
export function installedBrowserPaths(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    const apps = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge', 'Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary'];
    return [...apps.map((a) => `/Applications/${a}`), ...(env.HOME ? apps.map((a) => `${env.HOME}/Applications/${a}`) : [])];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => typeof r === 'string' && r.length > 0);
    const exes = ['Google\\Chrome\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe', 'Chromium\\Application\\chrome.exe'];
    return exes.flatMap((exe) => roots.map((root) => `${root}\\${exe}`));
  }
  return [
    '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge', '/usr/bin/microsoft-edge-stable', '/snap/bin/chromium', '/var/lib/flatpak/exports/bin/org.chromium.Chromium',
    '/opt/google/chrome/chrome', '/opt/microsoft/msedge/msedge',
  ];
}

/** Where Chromium was looked for, in order, for the error message when it is nowhere. */
export function chromiumCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const candidates = [env.CHROMIUM_PATH, ...installedBrowserPaths(platform, env), playwrightChromium()];
  return candidates.filter((p): p is string => typeof p === 'string' && p.length > 0);
}

/** A browser to print with: $CHROMIUM_PATH, then an installed Chromium, Chrome or Edge, then Playwright's own download; undefined when none exists. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return chromiumCandidates(env).find((p) => existsSync(p));
}

/** The first candidate that exists, or a ReportError saying where Chromium was looked for and what to do. */
export function requireChromium(candidates: readonly string[] = chromiumCandidates()): string {
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new ReportError('no-chromium', `PDF export needs Chromium and none was found (looked at ${candidates.join(', ') || 'nothing'}): install Chromium or set CHROMIUM_PATH.`);
}

/** Loaded only when asked for, so exporting JSON or HTML never pays for loading Playwright. */
function playwrightChromium(): string | undefined {
  try {
    const { chromium } = createRequire(import.meta.url)('playwright-core') as { chromium: BrowserType };
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}
