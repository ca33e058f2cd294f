import type { ApiResult } from '../../src-shared/api';
import { call } from './api-client';

/**
 * What the first page shows, asked for as soon as the code is loaded rather than after the first
 * render: the built-in scenarios (the Drills page's list) and the settings. A page takes the answer
 * once; after that it asks again as usual.
 */
let scenarios: Promise<ApiResult<'drills:list'>> | undefined;
let settings: Promise<ApiResult<'settings:get'>> | undefined;

export function startEarlyCalls(): void {
  scenarios = call('drills:list', {});
  settings = call('settings:get', {});
  // A failure is reported by the page that takes the answer; nobody may be listening yet.
  scenarios.catch(() => undefined);
  settings.catch(() => undefined);
}

/** The early answer for the built-in scenarios if there is one not yet taken, else a new call. */
export function builtInScenarios(): Promise<ApiResult<'drills:list'>> {
  const early = scenarios;
  scenarios = undefined;
  return early ?? call('drills:list', {});
}

export function savedSettings(): Promise<ApiResult<'settings:get'>> {
  const early = settings;
  settings = undefined;
  return early ?? call('settings:get', {});
}
