import { LookupEventsCommand, type CloudTrailClient, type LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { InvalidEventError, type EventStore } from './event-store';

/**
 * Imports events from CloudTrail's LookupEvents API through @aws-sdk/client-cloudtrail (a client
 * the caller builds, so tests point it at the embedded KMS). Pages are followed with NextToken at
 * most `requestsPerSecond` requests a second (AWS allows 2 per account and region); the clock and
 * the sleeper are injectable so tests do not wait. Each page is one transaction; an event whose
 * CloudTrailEvent is not a valid record stops the import, naming the page, the event and the field.
 */
export interface LookupEventsImportOptions {
  startTime?: Date | undefined;
  endTime?: Date | undefined;
  /** At most one, as LookupEvents allows; e.g. EventSource=kms.amazonaws.com. */
  attribute?: { key: LookupAttributeKey | `${LookupAttributeKey}`; value: string } | undefined;
  requestsPerSecond?: number;
  /** Stop after this many pages (default: all). */
  maxPages?: number;
  onProgress?: (progress: LookupEventsProgress) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface LookupEventsProgress {
  pages: number;
  events: number;
  imported: number;
  duplicates: number;
}

export class LookupEventsImportError extends Error {
  override name = 'LookupEventsImportError';
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function importLookupEvents(client: CloudTrailClient, store: EventStore, options: LookupEventsImportOptions = {}): Promise<LookupEventsProgress> {
  const rate = options.requestsPerSecond ?? 2;
  if (!(rate > 0 && rate <= 2)) throw new RangeError(`LookupEvents allows at most 2 requests per second; got ${rate}`);
  const interval = 1000 / rate;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const progress: LookupEventsProgress = { pages: 0, events: 0, imported: 0, duplicates: 0 };
  let nextToken: string | undefined;
  let lastRequest = -Infinity;
  do {
    const wait = lastRequest + interval - now();
    if (wait > 0) await sleep(wait);
    lastRequest = now();
    const response = await client.send(new LookupEventsCommand({
      StartTime: options.startTime,
      EndTime: options.endTime,
      LookupAttributes: options.attribute ? [{ AttributeKey: options.attribute.key as LookupAttributeKey, AttributeValue: options.attribute.value }] : undefined,
      MaxResults: 50,
      NextToken: nextToken,
    }));
    progress.pages++;
    const events = response.Events ?? [];
    const records = events.map((event, index) => pageRecord(event.CloudTrailEvent, event.EventId, progress.pages, index));
    try {
      const result = store.append(records.map((record) => ({ record })));
      progress.imported += result.inserted;
      progress.duplicates += result.duplicates;
    } catch (err) {
      if (!(err instanceof InvalidEventError) || err.index === undefined) throw err;
      throw new LookupEventsImportError(`LookupEvents page ${progress.pages}, event ${err.index} (EventId ${events[err.index]?.EventId ?? '?'}): ${err.path.join('.')}: ${err.message}`);
    }
    progress.events += events.length;
    options.onProgress?.({ ...progress });
    nextToken = response.NextToken || undefined;
  } while (nextToken && (options.maxPages === undefined || progress.pages < options.maxPages));
  return progress;
}

function pageRecord(cloudTrailEvent: string | undefined, eventId: string | undefined, page: number, index: number): CloudTrailRecord {
  const where = `LookupEvents page ${page}, event ${index}${eventId ? ` (EventId ${eventId.slice(0, 64)})` : ''}`;
  if (!cloudTrailEvent) throw new LookupEventsImportError(`${where}: CloudTrailEvent is missing`);
  let json: unknown;
  try {
    json = JSON.parse(cloudTrailEvent);
  } catch (err) {
    throw new LookupEventsImportError(`${where}: CloudTrailEvent is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = CloudTrailRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LookupEventsImportError(`${where}: CloudTrailEvent.${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
