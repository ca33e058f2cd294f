/**
 * `npm run bench -- store [--events N] [--queries N] [--inline]`: ingest N realistic KMS CloudTrail
 * records (default 1,000,000 over 24 h, ~2% errors) into a file through the batched ingest (its
 * writer thread, or with --inline the calling thread), then time a console lookup page, an
 * errors-only page and a 24-hour per-minute aggregate on that store. The machine's load average
 * is printed beside the figures: on a shared 2-core machine it moves them more than any change.
 * Baseline in the same run: the naive design STACK.md measured — one table keyed by the random
 * eventID, the whole record as JSON, 3 indexes, 10,000-row transactions — fed the same records.
 * Targets: ingest ≥ 100,000 records/s; p95 < 50 ms for each query.
 */
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudTrailRecord } from '../src-shared/cloudtrail';
import { BatchedIngest } from '../src-main/audit/batched-ingest';
import { LOOKUP_ATTRIBUTE_KEYS, type AggregateDimension, type LookupAttributeKey } from '../src-main/audit/event-store';
import { usernameOf } from '../src-main/audit/record-codec';
import { SqliteEventStore } from '../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../src-main/audit/synthetic-events';
import { seededRandom } from '../src-main/common/seeded-random';
import { percentile, printTable } from './lib/stats';

const TARGET_RATE = 100_000;
const TARGET_P95_MS = 50;
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 15);
const CHUNK = 50_000;
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1'];

interface Sampled {
  values: Record<LookupAttributeKey, string[]>;
}

export async function runStoreBench(argv: string[]): Promise<number> {
  const events = numberArg(argv, '--events', 1_000_000);
  const queries = numberArg(argv, '--queries', 200);
  if (!(Number.isInteger(events) && events >= 1_000 && events <= 10_000_000) || !(Number.isInteger(queries) && queries >= 10 && queries <= 100_000)) {
    console.error('--events must be a whole number from 1000 to 10000000, --queries from 10 to 100000');
    return 2;
  }
  const inline = argv.includes('--inline');
  const dir = mkdtempSync(join(tmpdir(), 'keydrill-store-bench-'));
  try {
    console.log(`Event store benchmark: ${events.toLocaleString('en')} KMS CloudTrail records over 24 h, ${queries} samples per query, ` +
      `writes on ${inline ? 'the calling thread' : 'the writer thread'}, node ${process.version}, load average ${load()}\n`);
    const sampled: Sampled = { values: Object.fromEntries(LOOKUP_ATTRIBUTE_KEYS.map((k) => [k, []])) as unknown as Sampled['values'] };

    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    const ingest = new BatchedIngest(store, { writerThread: !inline, onProblem: (p) => console.error(`ingest problem: ${p.kind}: ${p.error.message}`) });
    const { seconds: ingestSeconds, cpuMicros } = await timeChunks(events, sampled, async (chunk) => {
      for (const r of chunk) ingest.record(r, 'bench-run');
      await ingest.flush();
    });
    await ingest.close();
    const ingestLoad = load();
    const random = seededRandom(99);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const dims: AggregateDimension[] = ['eventName', 'region', 'errorCode'];
    const ours = {
      lookup: timeQueries(queries, () => {
        const key = pick(LOOKUP_ATTRIBUTE_KEYS);
        store.lookup({ attribute: { key, value: pick(sampled.values[key]) }, startTime: START, endTime: START + DAY });
      }),
      errors: timeQueries(queries, () => store.lookup({ errorsOnly: true, startTime: START, endTime: START + DAY, region: random() < 0.5 ? undefined : pick(REGIONS) })),
      aggregate: timeQueries(queries, () => store.aggregate({ by: pick(dims), startTime: START, endTime: START + DAY })),
    };
    store.close();
    const ourBytes = fileBytes(join(dir, 'events.sqlite'));

    console.log('baseline: the naive single-table design with the same records…');
    const naive = openNaive(join(dir, 'naive.sqlite'));
    const { seconds: naiveSeconds } = await timeChunks(events, undefined, async (chunk) => naive.insert(chunk));
    const names = ['Decrypt', 'DescribeKey', 'CreateGrant', 'DisableKey', 'GenerateDataKey'];
    const baseline = {
      lookup: timeQueries(queries, () => naive.lookup.all(pick(names), iso(START), iso(START + DAY))),
      errors: timeQueries(queries, () => naive.errors.all(iso(START), iso(START + DAY))),
      aggregate: timeQueries(Math.min(queries, 20), () => naive.aggregate.all(iso(START), iso(START + DAY))),
    };
    naive.db.close();
    const naiveBytes = fileBytes(join(dir, 'naive.sqlite'));

    const rate = events / ingestSeconds;
    const naiveRate = events / naiveSeconds;
    const perMillion = (bytes: number) => `${((bytes / events) * 1e6 / 2 ** 20).toFixed(0)} MiB`;
    const row = (label: string, a: { p50: number; p95: number }, b: { p50: number; p95: number }) =>
      [label, `${a.p50.toFixed(2)} / ${a.p95.toFixed(2)}`, `${b.p50.toFixed(2)} / ${b.p95.toFixed(2)}`, (b.p95 / a.p95).toFixed(1)];
    console.log('');
    printTable(['measure', 'event store', 'naive baseline', 'baseline ÷ store'], [
      ['ingest, records/s', rate.toFixed(0), naiveRate.toFixed(0), (naiveRate / rate).toFixed(2)],
      row('lookup page p50 / p95 ms', ours.lookup, baseline.lookup),
      row('errors page p50 / p95 ms', ours.errors, baseline.errors),
      row('24 h per-minute p50 / p95 ms', ours.aggregate, baseline.aggregate),
      ['database per million events', perMillion(ourBytes), perMillion(naiveBytes), (naiveBytes / ourBytes).toFixed(2)],
    ]);
    const pass = rate >= TARGET_RATE && [ours.lookup, ours.errors, ours.aggregate].every((q) => q.p95 < TARGET_P95_MS);
    console.log(`\nIngest: ${((ingestSeconds / events) * 1e6).toFixed(2)} µs a record of wall time, ${(cpuMicros / events).toFixed(2)} µs of CPU (all threads of this process)`);
    console.log(`Load average (1, 5, 15 min) after the ingest: ${ingestLoad}; now: ${load()} on ${availableParallelism()} cores`);
    console.log(`Targets: ingest ≥ ${TARGET_RATE.toLocaleString('en')}/s (${rate.toFixed(0)}: ${rate >= TARGET_RATE ? 'met' : 'NOT met'}); ` +
      `p95 < ${TARGET_P95_MS} ms per query (${[ours.lookup, ours.errors, ours.aggregate].every((q) => q.p95 < TARGET_P95_MS) ? 'met' : 'NOT met'})`);
    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `store-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({
      bench: 'store', events, queries, node: process.version, writer: inline ? 'inline' : 'thread', load: { afterIngest: ingestLoad, end: load() }, targets: { rate: TARGET_RATE, p95Ms: TARGET_P95_MS }, pass,
      store: { rate, ingestSeconds, cpuMicrosPerEvent: cpuMicros / events, bytes: ourBytes, bytesPerEvent: ourBytes / events, ...ours },
      baseline: { rate: naiveRate, ingestSeconds: naiveSeconds, bytes: naiveBytes, bytesPerEvent: naiveBytes / events, ...baseline },
    }, null, 2));
    console.log(`Results written to ${file}`);
    return pass ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Generates the records in chunks outside the clock, then times only `ingest(chunk)`, so both
 * designs are charged for storing, not for making up data. Same seed, same records for both.
 * CPU time is the whole process's (writer thread and GC included) over the same spans: unlike
 * wall time, it hardly moves with what else the machine runs.
 */
async function timeChunks(events: number, sampled: Sampled | undefined, ingest: (chunk: CloudTrailRecord[]) => Promise<void>): Promise<{ seconds: number; cpuMicros: number }> {
  const source = syntheticKmsEvents({ count: events, start: START, durationMs: DAY, seed: 2026 });
  let seconds = 0;
  let cpuMicros = 0;
  for (let done = 0; done < events; done += CHUNK) {
    const chunk: CloudTrailRecord[] = [];
    for (let i = 0; i < CHUNK && done + i < events; i++) chunk.push(source.next().value as CloudTrailRecord);
    if (sampled) sample(chunk, sampled);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await ingest(chunk);
    seconds += (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    cpuMicros += cpu.user + cpu.system;
    if (process.stderr.isTTY) process.stderr.write(`\r  ${(done + chunk.length).toLocaleString('en')} records\x1b[K`);
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  return { seconds, cpuMicros };
}

/** Lookup values that exist, picked from every 997th record: what a user would search for. */
function sample(chunk: CloudTrailRecord[], sampled: Sampled): void {
  for (let i = 0; i < chunk.length; i += 997) {
    const r = chunk[i] as CloudTrailRecord;
    const v = sampled.values;
    v.EventId.push(r.eventID);
    v.EventName.push(r.eventName);
    v.ReadOnly.push(String(r.readOnly));
    v.EventSource.push(r.eventSource);
    const user = usernameOf(r.userIdentity);
    if (user) v.Username.push(user);
    if (r.userIdentity.accessKeyId) v.AccessKeyId.push(r.userIdentity.accessKeyId);
    const resource = r.resources?.[0];
    if (resource?.ARN) v.ResourceName.push(resource.ARN);
    if (resource?.type) v.ResourceType.push(resource.type);
  }
}

function timeQueries(n: number, query: () => unknown): { p50: number; p95: number; mean: number } {
  for (let i = 0; i < 5; i++) query(); // warm the page cache and the statement cache
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    query();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), mean: times.reduce((a, b) => a + b, 0) / n };
}

/** STACK.md's naive design: random UUID primary key, the record as JSON, indexes on time, name and error. */
function openNaive(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE events (event_id TEXT PRIMARY KEY, event_time TEXT NOT NULL, event_name TEXT NOT NULL, username TEXT,
             resource TEXT, error_code TEXT, region TEXT NOT NULL, run_id TEXT, record TEXT NOT NULL);
           CREATE INDEX naive_time ON events (event_time);
           CREATE INDEX naive_name ON events (event_name, event_time);
           CREATE INDEX naive_error ON events (error_code);`);
  const insert = db.prepare('INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertMany = db.transaction((rows: CloudTrailRecord[]) => {
    for (const r of rows) insert.run(r.eventID, r.eventTime, r.eventName, usernameOf(r.userIdentity) ?? null, r.resources?.[0]?.ARN ?? null, r.errorCode ?? null, r.awsRegion, 'bench-run', JSON.stringify(r));
  });
  return {
    db,
    insert: async (chunk: CloudTrailRecord[]) => {
      for (let i = 0; i < chunk.length; i += 10_000) insertMany(chunk.slice(i, i + 10_000));
    },
    lookup: db.prepare('SELECT record FROM events WHERE event_name = ? AND event_time BETWEEN ? AND ? ORDER BY event_time DESC LIMIT 50'),
    errors: db.prepare('SELECT record FROM events WHERE error_code IS NOT NULL AND event_time BETWEEN ? AND ? ORDER BY event_time DESC LIMIT 50'),
    aggregate: db.prepare("SELECT substr(event_time, 1, 16) AS minute, event_name, count(*) AS calls FROM events WHERE event_time BETWEEN ? AND ? GROUP BY minute, event_name"),
  };
}

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function fileBytes(file: string): number {
  let bytes = 0;
  for (const suffix of ['', '-wal']) {
    try {
      bytes += statSync(file + suffix).size;
    } catch {
      // no WAL left after a clean close
    }
  }
  return bytes;
}

function load(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

function numberArg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}
