import type { ApiResult } from '../../src-shared/api';
import { call } from './api-client';

/**
 * What the first page shows, asked for the moment this module is evaluated — main.tsx imports it
 * first, so the calls go out before React and the pages are evaluated (~50 ms of a launch on these
 * machines) rather than after: the built-in scenarios (the Drills page's list) and the settings. A
 * page takes the answer once; after that it asks again as usual.
 *
 * The answers usually arrive before React's first render: kept here as they arrive, the page draws
 * them in that render. Through a promise it could only draw them a render later — after the first
 * paint and its effects, ~90 ms on these machines.
 */
class EarlyAnswer<T> {
  private pending: Promise<T> | undefined;
  private arrived: T | undefined;

  constructor(ask: () => Promise<T>) {
    this.pending = ask();
    // A failure is reported by the page that takes the answer; nobody may be listening yet.
    this.pending.then((value) => {
      this.arrived = value;
    }, () => undefined);
  }

  /** Settles when the answer is here or has failed (never rejects). */
  settled(): Promise<unknown> {
    return this.pending?.catch(() => undefined) ?? Promise.resolve();
  }

  /** The answer if it is already here (taken: later calls ask again). */
  now(): T | undefined {
    const value = this.arrived;
    if (value !== undefined) this.take();
    return value;
  }

  /** The early answer, arrived or on its way, if not yet taken; else a new call. */
  take(): Promise<T> | undefined {
    const early = this.pending;
    this.pending = undefined;
    this.arrived = undefined;
    return early;
  }
}

const scenarios = new EarlyAnswer(() => call('drills:list', {}));
const settings = new EarlyAnswer(() => call('settings:get', {}));

/**
 * Resolves when the first page's answers are here, or after `waitMs` if they are slow: main.tsx
 * renders then, so the list is drawn in React's first render. Started at once, React's first render
 * ran before the answers' network task had its turn, and the list came a render and a paint later.
 */
export function firstScreenReady(waitMs: number): Promise<void> {
  return Promise.race([Promise.all([scenarios.settled(), settings.settled()]), new Promise((resolve) => setTimeout(resolve, waitMs))]).then(() => undefined);
}

/** The built-in scenarios, if they have arrived: the first render can draw them. */
export const builtInScenariosNow = (): ApiResult<'drills:list'> | undefined => scenarios.now();

/** The early answer for the built-in scenarios if there is one not yet taken, else a new call. */
export function builtInScenarios(): Promise<ApiResult<'drills:list'>> {
  return scenarios.take() ?? call('drills:list', {});
}

export const savedSettingsNow = (): ApiResult<'settings:get'> | undefined => settings.now();

export function savedSettings(): Promise<ApiResult<'settings:get'>> {
  return settings.take() ?? call('settings:get', {});
}
