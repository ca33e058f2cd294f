import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserType } from 'playwright-core';
import { ReportError } from './report-error';

/** The flags STACK.md found to run Debian's Chromium headless on the build machines, offline. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Where Chromium was looked for, in order, for the error message when it is nowhere. */
export function chromiumCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates = [env.CHROMIUM_PATH, '/usr/bin/chromium', playwrightChromium()];
  return candidates.filter((p): p is string => typeof p === 'string' && p.length > 0);
}

/** A Chromium to print with: $CHROMIUM_PATH, then /usr/bin/chromium, then Playwright's own download; undefined when none exists. */
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
