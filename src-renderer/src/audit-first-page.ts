import type { ApiArgs, ApiResult, AuditQuery } from '../../src-shared/api';
import { call } from './api-client';
import type { AuditPreset } from './app-state';

/**
 * The Audit page's first rows, asked for the moment its tab opens rather than once its code has
 * loaded, rendered and run its effects (~60 ms later on these machines over 1,000,000 events). The
 * page takes the answer only if it asks exactly the same lookup within a few seconds; otherwise it
 * asks again as usual, so this can cost a request but never show other rows than the page asked for.
 */

/** Rows in a new lookup's first page: a few screenfuls (the table shows about fifteen), so the first answer is small. */
export const FIRST_PAGE_ROWS = 100;
/** Rows in each further page, fetched as the table scrolls near its end. */
export const NEXT_PAGE_ROWS = 500;

type LookupRequest = ApiArgs<'audit:lookup'>;
type Order = NonNullable<AuditQuery['order']>;

const KEEP_MS = 5_000;
let early: { key: string; answer: Promise<ApiResult<'audit:lookup'>>; at: number } | undefined;

/** One lookup request, its fields always in the same order (the early answer is matched by its JSON). */
export function lookupRequest(q: AuditQuery, order: Order, token: string | undefined): LookupRequest {
  return { ...q, order, maxResults: token ? NEXT_PAGE_ROWS : FIRST_PAGE_ROWS, ...(token ? { nextToken: token } : {}) };
}

/** The query the Audit page opens with for a hand-over from another page: an event, a run's events, a span of time, or everything. */
export function presetQuery(preset: AuditPreset | undefined): AuditQuery {
  if (preset?.eventId) return { attribute: { key: 'EventId', value: preset.eventId.trim() } };
  if (preset?.range) return { startTime: preset.range.startTime, endTime: preset.range.endTime };
  return preset?.runId ? { runId: preset.runId } : {};
}

/** Asks for the first page the Audit page will show when it opens with `preset`. */
export function askFirstAuditPage(preset: AuditPreset | undefined): void {
  const request = lookupRequest(presetQuery(preset), 'newest', undefined);
  const answer = call('audit:lookup', request);
  // A failure is reported by the page when it asks again; nobody may be listening to this one.
  answer.catch(() => undefined);
  early = { key: JSON.stringify(request), answer, at: Date.now() };
}

/** The early answer to exactly this request, if one was asked for moments ago (each is taken once). */
export function takeEarlyAnswer(request: LookupRequest): Promise<ApiResult<'audit:lookup'>> | undefined {
  const e = early;
  early = undefined;
  return e && e.key === JSON.stringify(request) && Date.now() - e.at < KEEP_MS ? e.answer : undefined;
}
