import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { EventStore, LookupAttributeKey, LookupQuery } from '../../src-main/audit/event-store';
import { usernameOf } from '../../src-main/audit/record-codec';

/** What each CloudTrail lookup attribute matches, checked by hand against a record. */
export const lookupMatchers: Record<LookupAttributeKey, (r: CloudTrailRecord, v: string) => boolean> = {
  EventId: (r, v) => r.eventID === v,
  EventName: (r, v) => r.eventName === v,
  ReadOnly: (r, v) => String(r.readOnly) === v,
  Username: (r, v) => usernameOf(r.userIdentity) === v,
  ResourceType: (r, v) => (r.resources ?? []).some((x) => x.type === v),
  ResourceName: (r, v) => (r.resources ?? []).some((x) => x.ARN === v),
  EventSource: (r, v) => r.eventSource === v,
  AccessKeyId: (r, v) => r.userIdentity.accessKeyId === v,
};

/** Every page of a lookup, following its tokens: the event ids in the order the store gave them. */
export function allPages(store: EventStore, query: LookupQuery): string[] {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = store.lookup({ ...query, nextToken });
    ids.push(...page.events.map((e) => e.record.eventID));
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}
