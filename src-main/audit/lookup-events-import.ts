import { LookupEventsCommand, type CloudTrailClient, type LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { PROTO_REFUSED, protoField } from './cloudtrail-log-file';
import { InvalidEventError, type EventStore } from './event-store';
import { jsonFaultMessage } from './json-syntax-fault';
import { TEXT_START } from './text-position';

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

/**
 * The import stopped part-way (a request failed, an event was malformed, the store failed): the
 * pages before `page` are stored (see `progress`), that page and any after it are not. `cause` is
 * what stopped it. Thrown only when something was stored; otherwise the cause itself is thrown.
 */
export class LookupEventsStoppedError extends Error {
  override name = 'LookupEventsStoppedError';
  constructor(readonly page: number, readonly progress: LookupEventsProgress, override readonly cause: unknown) {
    const done = page - 1;
    super(
      `LookupEvents stopped at page ${page}: ${(cause as Error).message}. ` +
        `${progress.imported} events from the ${done} page${done === 1 ? '' : 's'} before it are stored (${progress.duplicates} already stored); ` +
        `page ${page} and the pages after it were not imported. Importing the same time range again skips what is stored.`,
      { cause },
    );
  }
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
    let page;
    try {
      page = await importPage(client, store, options, nextToken, progress.pages + 1);
    } catch (err) {
      // Pages already stored stay stored: say so, and how far the import got.
      if (progress.pages === 0) throw err;
      throw new LookupEventsStoppedError(progress.pages + 1, { ...progress }, err);
    }
    progress.pages++;
    progress.imported += page.inserted;
    progress.duplicates += page.duplicates;
    progress.events += page.count;
    options.onProgress?.({ ...progress });
    nextToken = page.nextToken;
  } while (nextToken && (options.maxPages === undefined || progress.pages < options.maxPages));
  return progress;
}

/** One page requested, checked and stored in one transaction. */
async function importPage(client: CloudTrailClient, store: EventStore, options: LookupEventsImportOptions, nextToken: string | undefined, page: number): Promise<{ count: number; inserted: number; duplicates: number; nextToken: string | undefined }> {
  const response = await client.send(new LookupEventsCommand({
    StartTime: options.startTime,
    EndTime: options.endTime,
    LookupAttributes: options.attribute ? [{ AttributeKey: options.attribute.key as LookupAttributeKey, AttributeValue: options.attribute.value }] : undefined,
    MaxResults: 50,
    NextToken: nextToken,
  }));
  const events = response.Events ?? [];
  const records = events.map((event, index) => pageRecord(event.CloudTrailEvent, event.EventId, page, index));
  try {
    const result = store.append(records.map((record) => ({ record })));
    return { count: events.length, inserted: result.inserted, duplicates: result.duplicates, nextToken: response.NextToken || undefined };
  } catch (err) {
    if (!(err instanceof InvalidEventError) || err.index === undefined) throw err;
    throw new LookupEventsImportError(`LookupEvents page ${page}, event ${err.index} (EventId ${events[err.index]?.EventId ?? '?'}): ${err.placed}`);
  }
}

function pageRecord(cloudTrailEvent: string | undefined, eventId: string | undefined, page: number, index: number): CloudTrailRecord {
  const where = `LookupEvents page ${page}, event ${index}${eventId ? ` (EventId ${eventId.slice(0, 64)})` : ''}`;
  if (!cloudTrailEvent) throw new LookupEventsImportError(`${where}: CloudTrailEvent is missing`);
  let json: unknown;
  try {
    json = JSON.parse(cloudTrailEvent);
  } catch {
    // The place is within CloudTrailEvent's own text: it arrives as one string, not as part of a file.
    throw new LookupEventsImportError(`${where}: CloudTrailEvent is not valid JSON: ${jsonFaultMessage({ text: cloudTrailEvent, start: TEXT_START }, undefined)}`);
  }
  const proto = protoField(json);
  if (proto) throw new LookupEventsImportError(`${where}: CloudTrailEvent.${proto}: ${PROTO_REFUSED}`);
  const parsed = CloudTrailRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LookupEventsImportError(`${where}: CloudTrailEvent.${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
