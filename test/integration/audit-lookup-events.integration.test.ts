import { CloudTrailClient, DescribeTrailsCommand, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { Sha256 } from '@smithy/core/checksum';
import Database from 'better-sqlite3';
import { SignatureV4 } from '@smithy/signature-v4';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { importLookupEvents, LookupEventsStoppedError } from '../../src-main/audit/lookup-events-import';
import { usernameOf } from '../../src-main/audit/record-codec';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

const START = Date.UTC(2026, 0, 15, 9);
let dir: string;
let store: SqliteEventStore;
let h: KmsHarness;
let records: CloudTrailRecord[];
const clients: CloudTrailClient[] = [];

function cloudTrail(region = 'us-east-1'): CloudTrailClient {
  const admin = h.kms.identity('admin');
  const client = new CloudTrailClient({ endpoint: h.endpoint, region, maxAttempts: 1, credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey } });
  clients.push(client);
  return client;
}

/** Newest first, as CloudTrail lists events; within a second the later-stored first. */
function newestFirst(list: CloudTrailRecord[]): CloudTrailRecord[] {
  return list.map((r, i) => ({ r, i })).sort((a, b) => Date.parse(b.r.eventTime) - Date.parse(a.r.eventTime) || b.i - a.i).map(({ r }) => r);
}

async function everyPage(client: CloudTrailClient, input: LookupEventsCommandInput): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let NextToken: string | undefined;
  do {
    const page = await client.send(new LookupEventsCommand({ ...input, NextToken }));
    pages++;
    ids.push(...(page.Events ?? []).map((e) => e.EventId!));
    NextToken = page.NextToken;
  } while (NextToken);
  return { ids, pages };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-audit-'));
  store = SqliteEventStore.open(join(dir, 'events.sqlite'));
  records = [...syntheticKmsEvents({ count: 400, start: START, durationMs: 3_600_000, regions: ['us-east-1', 'eu-west-1'], seed: 3 })];
  store.append(records.map((record) => ({ record })));
  h = await startKms({ eventStore: store });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await h.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CloudTrail LookupEvents served by the embedded KMS, read with @aws-sdk/client-cloudtrail', () => {
  it('pages through more than 50 events newest first, only those of the region the request is signed for', async () => {
    const { ids, pages } = await everyPage(cloudTrail('eu-west-1'), {});
    const expected = newestFirst(records.filter((r) => r.awsRegion === 'eu-west-1')).map((r) => r.eventID);
    expect(expected.length).toBeGreaterThan(100);
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 50));
  });

  it('narrows by one lookup attribute and a time range given in epoch seconds', async () => {
    const from = new Date(START + 10 * 60_000);
    const to = new Date(START + 35 * 60_000);
    const { ids } = await everyPage(cloudTrail(), { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Decrypt' }], StartTime: from, EndTime: to, MaxResults: 7 });
    const expected = newestFirst(records.filter((r) => r.awsRegion === 'us-east-1' && r.eventName === 'Decrypt' && Date.parse(r.eventTime) >= from.getTime() && Date.parse(r.eventTime) <= to.getTime()));
    expect(ids).toEqual(expected.map((r) => r.eventID));
    expect(ids.length).toBeGreaterThan(7);

    const user = usernameOf(records.find((r) => r.awsRegion === 'us-east-1' && r.userIdentity.type === 'AssumedRole')!.userIdentity)!;
    const byUser = await everyPage(cloudTrail(), { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: user }] });
    expect(byUser.ids).toEqual(newestFirst(records.filter((r) => r.awsRegion === 'us-east-1' && usernameOf(r.userIdentity) === user)).map((r) => r.eventID));
  });

  it('lists each event with CloudTrail\'s summary fields beside the whole record', async () => {
    const failed = records.find((r) => r.awsRegion === 'us-east-1' && r.errorCode && r.resources)!;
    const page = await cloudTrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: failed.eventID }] }));
    expect(page.Events).toHaveLength(1);
    const event = page.Events![0]!;
    expect(event).toMatchObject({
      EventId: failed.eventID,
      EventName: failed.eventName,
      ReadOnly: String(failed.readOnly),
      AccessKeyId: failed.userIdentity.accessKeyId,
      EventSource: 'kms.amazonaws.com',
      Username: usernameOf(failed.userIdentity),
      Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: failed.resources![0]!.ARN }],
    });
    expect(event.EventTime).toEqual(new Date(failed.eventTime));
    expect(JSON.parse(event.CloudTrailEvent!)).toEqual(failed);
    expect(page.NextToken).toBeUndefined();
  });

  it('refuses bad requests with AWS\'s exception names and says what is wrong', async () => {
    const client = cloudTrail();
    const two = await failure(client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Decrypt' }, { AttributeKey: 'ReadOnly', AttributeValue: 'true' }] })));
    expect(two.name).toBe('InvalidLookupAttributesException');
    expect(two.message).toMatch(/only one lookup attribute/);
    const readOnly = await failure(client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'maybe' }] })));
    expect(readOnly.name).toBe('InvalidLookupAttributesException');
    const max = await failure(client.send(new LookupEventsCommand({ MaxResults: 51 })));
    expect([max.name, max.$metadata?.httpStatusCode]).toEqual(['InvalidMaxResultsException', 400]);
    const range = await failure(client.send(new LookupEventsCommand({ StartTime: new Date(START + 1000), EndTime: new Date(START) })));
    expect(range.name).toBe('InvalidTimeRangeException');
    const first = await client.send(new LookupEventsCommand({ MaxResults: 5 }));
    const token = first.NextToken!;
    const tampered = await failure(client.send(new LookupEventsCommand({ MaxResults: 5, NextToken: `x${token.slice(1)}` })));
    expect(tampered.name).toBe('InvalidNextTokenException');
    const otherQuery = await failure(client.send(new LookupEventsCommand({ MaxResults: 5, NextToken: token, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Decrypt' }] })));
    expect(otherQuery.name).toBe('InvalidNextTokenException');
    const unknown = await failure(client.send(new DescribeTrailsCommand({})));
    expect(unknown.name).toBe('UnknownOperationException');
  });

  it('refuses a CloudTrail request signed for the kms service', async () => {
    const admin = h.kms.identity('admin');
    const url = new URL(h.endpoint);
    const body = '{}';
    const signed = await new SignatureV4({ credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey }, region: 'us-east-1', service: 'kms', sha256: Sha256 }).sign({
      method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, body,
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CloudTrail_20131101.LookupEvents' },
    });
    const answer = await new Promise<{ status: number; json: { __type: string; message: string } }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { __type: string; message: string } }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(400);
    expect(answer.json.__type).toBe('InvalidSignatureException');
    expect(answer.json.message).toMatch(/correct service: 'cloudtrail'/);
  });

  it('imports every event through the real client into another store, at most 2 requests a second, and stores nothing twice on a second run', async () => {
    const target = SqliteEventStore.open(':memory:');
    try {
      let clock = 1_000_000;
      const sleeps: number[] = [];
      const requestTimes: number[] = [];
      const client = cloudTrail();
      client.middlewareStack.add((next) => (args) => {
        requestTimes.push(clock);
        return next(args);
      }, { step: 'initialize' });
      const progress: number[] = [];
      const options = {
        startTime: new Date(START),
        endTime: new Date(START + 3_600_000),
        now: () => clock,
        sleep: async (ms: number) => {
          sleeps.push(ms);
          clock += ms;
        },
        onProgress: (p: { pages: number }) => progress.push(p.pages),
      };
      const first = await importLookupEvents(client, target, options);
      const expected = records.filter((r) => r.awsRegion === 'us-east-1');
      expect(first).toMatchObject({ imported: expected.length, duplicates: 0, events: expected.length, pages: Math.ceil(expected.length / 50) });
      expect(progress).toEqual(Array.from({ length: first.pages }, (_, i) => i + 1));
      for (let i = 1; i < requestTimes.length; i++) expect(requestTimes[i]! - requestTimes[i - 1]!).toBeGreaterThanOrEqual(500);
      expect(sleeps.length).toBe(first.pages - 1);
      expect(target.scan({}).events.map((e) => e.record)).toEqual(expected);

      const second = await importLookupEvents(client, target, options);
      expect(second).toMatchObject({ imported: 0, duplicates: expected.length });
      expect(target.count()).toBe(expected.length);
    } finally {
      target.close();
    }
  });

  it('when the import stops part-way (here the store is locked by another writer), says how many pages and events were stored and that the rest were not', async () => {
    const file = join(dir, 'lookup-target.sqlite');
    const target = SqliteEventStore.open(file, { busyTimeoutMs: 0 });
    const other = new Database(file);
    try {
      const options = { startTime: new Date(START), endTime: new Date(START + 3_600_000), sleep: async () => {} };
      const error = await importLookupEvents(cloudTrail(), target, {
        ...options,
        onProgress: (p) => {
          if (p.pages === 1) other.exec('BEGIN IMMEDIATE');
        },
      }).then(() => undefined, (err: unknown) => err);
      expect(error).toBeInstanceOf(LookupEventsStoppedError);
      expect((error as LookupEventsStoppedError).progress).toEqual({ pages: 1, events: 50, imported: 50, duplicates: 0 });
      expect((error as Error).message).toMatch(/^LookupEvents stopped at page 2: database is locked\. 50 events from the 1 page before it are stored \(0 already stored\); page 2 and the pages after it were not imported\. Importing the same time range again skips what is stored\.$/);
      other.exec('ROLLBACK');
      expect(target.count()).toBe(50);
      const expected = records.filter((r) => r.awsRegion === 'us-east-1');
      expect(await importLookupEvents(cloudTrail(), target, options)).toMatchObject({ imported: expected.length - 50, duplicates: 50 });
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      target.close();
    }
  });

  it('does not answer CloudTrail when it was started without an event store', async () => {
    const plain = await startKms();
    try {
      const admin = plain.kms.identity('admin');
      const client = new CloudTrailClient({ endpoint: plain.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey } });
      const err = await failure(client.send(new LookupEventsCommand({})));
      client.destroy();
      expect(err.name).toBe('UnknownOperationException');
    } finally {
      await plain.close();
    }
  });
});
