import type { ApiResult } from '../../src-shared/api';
import { call } from './api-client';

/**
 * What the first page shows, asked for the moment this module is evaluated — main.tsx imports it
 * first, so the calls go out before React and the pages are evaluated (~50 ms of a launch on these
 * machines) rather than after: the built-in scenarios (the Drills page's list) and the settings. A
 * page takes the answer once; after that it asks again as usual.
 */
let scenarios: Promise<ApiResult<'drills:list'>> | undefined = call('drills:list', {});
let settings: Promise<ApiResult<'settings:get'>> | undefined = call('settings:get', {});
// A failure is reported by the page that takes the answer; nobody may be listening yet.
scenarios.catch(() => undefined);
settings.catch(() => undefined);

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
