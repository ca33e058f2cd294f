import type { ApiArgs, AuditPage, AuditQuery, AuditRow } from '../../src-shared/api';
import { call } from './api-client';
import { formatUtc } from './format';
import { useLoad } from './use-call';

/** The first and last events that match a query's other filters, wherever they are in time. */
export interface OutsideTheRange {
  oldest: AuditRow;
  newest: AuditRow;
}

type Lookup = (request: ApiArgs<'audit:lookup'>, signal?: AbortSignal) => Promise<AuditPage>;

/**
 * Where the events are that a time range missed: the same lookup without the range, one event from
 * each end. Drill events carry the drill's clock (January 2026 on the embedded KMS), so a range
 * about today finds nothing; saying where they are is the way to them (`keydrill audit query` says
 * the same). Undefined when the other filters match nothing either, or the query had no range.
 */
export async function outsideTheRange(query: AuditQuery, lookup: Lookup, signal?: AbortSignal): Promise<OutsideTheRange | undefined> {
  if (query.startTime === undefined && query.endTime === undefined) return undefined;
  const { startTime: _s, endTime: _e, nextToken: _t, ...others } = query;
  const newest = (await lookup({ ...others, order: 'newest', maxResults: 1 }, signal)).events[0];
  if (!newest) return undefined;
  const oldest = (await lookup({ ...others, order: 'oldest', maxResults: 1 }, signal)).events[0] ?? newest;
  return { oldest, newest };
}

/** "Events matching the other filters lie from … to … UTC", with the way to a drill's events. */
export function outsideTheRangeText({ oldest, newest }: OutsideTheRange, query: AuditQuery): string {
  const span = oldest.eventId === newest.eventId ? `one, at ${formatUtc(newest.eventTime)}` : `from ${formatUtc(oldest.eventTime)} to ${formatUtc(newest.eventTime)}`;
  const drill = newest.runId ?? oldest.runId;
  const why = !drill ? '' : query.runId !== undefined
    ? ' A drill\'s events carry the drill\'s clock, not today\'s.'
    : ` The newest is from drill run ${drill}: a drill's events carry the drill's clock, not today's; choose the run instead of a time range.`;
  return `No CloudTrail events in this time range. Events matching the other filters lie outside it, ${span}.${why}`;
}

/**
 * The Audit page's empty result for a time range: where the events matching the other filters are,
 * with a button to show them (the same filters without From and To).
 */
export function OutsideTheRangeNote({ query, onClearRange }: { query: AuditQuery; onClearRange: () => void }) {
  const { data, loading, error } = useLoad((signal) => outsideTheRange(query, (r, s) => call('audit:lookup', r, { signal: s }), signal), [query]);
  if (loading) return <p className="empty">No CloudTrail events in this time range. Looking for the events matching the other filters…</p>;
  if (error || !data) {
    return <p className="empty" data-testid="audit-outside-range">No CloudTrail events match{error ? '' : ', in this time range or out of it'}. Loosen the filters, or press Reset.</p>;
  }
  return (
    <p className="empty" data-testid="audit-outside-range">
      {outsideTheRangeText(data, query)}{' '}
      <button type="button" onClick={onClearRange}>Show them (clear From and To)</button>
    </p>
  );
}
