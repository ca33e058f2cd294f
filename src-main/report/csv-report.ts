import type { FullRunRecord, RunRecord, TimelineEntry } from '../../src-shared/run-record';
import { eventIdOf, observationIdOf } from '../drill/run-trail';
import { callsEvidence, supportingText } from './html/evidence';
import { csvRows, type CsvValue } from './csv-cell';
import { describeExpectation, offset } from './html/format-text';
import { historyRows } from './csv-history';
import type { RunSource, StoredEvidence } from './run-source';
import { summedUp } from '../../src-shared/record-counts';
import { checkedSource } from './valid-record';
import { counted } from '../../src-shared/count';

/** The columns of the long-format CSV; docs/run-record.md describes what each section puts in them. */
export const CSV_COLUMNS = ['section', 'subject', 'name', 'at_ms', 'at', 'value', 'outcome', 'detail', 'evidence', 'principal', 'observations'] as const;

export type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], CsvValue>> & { section: string };

/** Rows are turned into text this many at a time. */
const ROWS_PER_CHUNK = 2000;

/**
 * The run record as one CSV file in long format: a header, then one row per fact, each tagged with
 * its `section` so a spreadsheet filter or a pivot table pulls out any part. Times are both
 * milliseconds (`at_ms`, for sorting and arithmetic) and a readable offset (`at`).
 */
export function* csvReportChunks(input: RunSource | FullRunRecord): Generator<string> {
  const source = checkedSource(input);
  let rows: CsvValue[][] = [[...CSV_COLUMNS]];
  function* flush(): Generator<string> {
    if (rows.length > 0) yield csvRows(rows);
    rows = [];
  }
  const push = (row: CsvRow): void => {
    const full = row.at_ms === undefined ? row : { ...row, at: offset(row.at_ms as number) };
    rows.push(CSV_COLUMNS.map((c) => full[c]));
  };
  const record = source.head;
  const { scenario, backend, totals } = record;

  push({ section: 'run', name: 'format', value: `${record.format} v${record.version}` });
  const runId = record.execution.runId;
  const ids = (records: readonly number[]): string => records.map((n) => eventIdOf(runId, n)).join(' ');
  // Calls that never reached KMS are cited apart: they are no CloudTrail event, so no event id.
  const observed = (observations: readonly number[] | undefined): string | undefined => observations?.map((n) => observationIdOf(runId, n)).join(' ') || undefined;
  push({ section: 'run', name: 'runId', value: runId });
  const execution = record.execution;
  push({ section: 'run', name: 'label', value: execution.label });
  push({ section: 'run', name: 'status', value: execution.status, detail: execution.reason });
  push({ section: 'run', name: 'startedAt', value: execution.startedAt });
  push({ section: 'run', name: 'endedAt', value: execution.endedAt });
  push({ section: 'run', name: 'reachedAt', at_ms: execution.reachedAt, value: execution.reachedAt });
  push({ section: 'run', name: 'keydrillVersion', value: execution.keydrillVersion });
  push({ section: 'run', name: 'nodeVersion', value: execution.nodeVersion });
  push({ section: 'run', name: 'platform', value: execution.platform });
  push({ section: 'run', name: 'endpoint', value: execution.endpoint });
  push({ section: 'run', name: 'administrator', value: execution.principals.administrator, principal: execution.principals.administrator, detail: 'the customer\'s key administrator: faults and actions on keys' });
  push({ section: 'run', name: 'service', value: execution.principals.service, principal: execution.principals.service, detail: 'the SaaS service role whose nodes use the keys' });
  push({ section: 'run', name: 'account', value: record.topology.account });
  push({ section: 'run', name: 'regions', value: record.topology.regions.join(' ') });
  push({ section: 'run', name: 'startTime', value: record.startTime });
  push({ section: 'run', name: 'passed', value: record.passed, outcome: record.passed ? 'passed' : 'failed' });
  // A run that never summed itself up has only the zeros it started with: none of them is given as a count.
  const summed = summedUp(execution);
  push({ section: 'run', name: 'eventCount', value: summed ? record.eventCount : undefined, detail: summed ? undefined : 'not counted: the run did not finish (section stored: what the event store holds of it)' });
  push({ section: 'run', name: 'eventSetSha256', value: record.execution.eventSetSha256 });
  for (const field of ['name', 'title', 'description', 'source', 'seed', 'hash'] as const) push({ section: 'scenario', name: field, value: scenario[field] });
  push({ section: 'scenario', name: 'duration', at_ms: scenario.duration, value: scenario.duration });
  push({ section: 'scenario', name: 'definition', value: JSON.stringify(scenario.definition) });

  push({ section: 'backend', name: 'kind', value: backend.kind });
  for (const [name, on] of Object.entries(backend.capabilities).sort((a, b) => a[0].localeCompare(b[0]))) push({ section: 'capability', name, value: on });
  for (const s of backend.simulated) push({ section: 'simulated', subject: `timeline[${s.step}]`, name: s.do, detail: s.note });
  for (const d of backend.departures ?? []) push({ section: 'departure', subject: d.key ?? '', name: d.name, at_ms: d.at, value: d.capability, detail: d.note });

  record.verdicts.forEach((v, i) => push({ section: 'verdict', subject: `verdict ${i + 1}`, name: describeExpectation(v.expectation), value: v.measured, outcome: v.passed ? 'passed' : 'failed', detail: `${v.summary} — measured: ${v.measuredText ?? (v.measured === null ? 'nothing' : String(v.measured))}; expected: ${v.expected}${v.evidence.supporting ? ` ${supportingText(v.evidence)}` : ''}`, evidence: ids(v.evidence.records), observations: observed(v.evidence.observations) }));

  for (const k of record.topology.keys) {
    push({ section: 'key', subject: k.id, name: k.multiRegion ? 'multi-Region key' : 'single-Region key', value: k.arn, detail: [`tenant ${k.tenant}`, `region ${k.region}`, k.service && `service ${k.service}`, k.alias].filter(Boolean).join('; ') });
    for (const r of k.replicas) push({ section: 'key', subject: k.id, name: 'replica', value: r.arn, detail: `region ${r.region}` });
  }
  for (const c of record.topology.clusters) {
    for (const n of c.nodes) push({ section: 'cluster', subject: c.id, name: n.id, value: c.key, detail: `tenant ${c.tenant}; ${n.region} ${n.zone}; databases ${c.databases.join(' ')}` });
  }
  for (const n of record.hierarchy.nodes) {
    push({ section: 'node', subject: `${n.cluster}/${n.node}`, name: n.status, value: n.masterKeyVersion, detail: `KMS ${n.kmsRegion}; ${n.cmkArn}${n.cmkMaterialId ? `; key material ID ${n.cmkMaterialId}` : ''}; ${n.databases.map((d) => `${d.name} v${d.keyVersions}`).join(' ')}` });
  }
  for (const s of record.hierarchy.snapshots) {
    push({ section: 'snapshot', subject: s.cluster, name: s.id, at_ms: s.takenAt, value: s.cmkArn, outcome: s.restorable ? 'restorable' : 'not restorable', detail: [s.cmkMaterialId && `key material ID ${s.cmkMaterialId}`, s.reason].filter(Boolean).join('; ') });
  }

  yield* flush();
  for (const e of source.timeline()) {
    push(timelineRow(e, ids, observed));
    if (rows.length >= ROWS_PER_CHUNK) yield* flush();
  }
  yield* flush();

  const seriesGroups = [
    ['availability', record.series.availability],
    ['kms-calls-by-region', record.series.kmsCallsByRegion],
    ['kms-calls-by-operation', record.series.kmsCallsByOperation],
    ['errors-by-code', record.series.errorsByCode],
    ['client-side-by-code', record.series.clientSideByCode],
    ['fleet-availability', [record.series.fleetAvailability]],
  ] as const;
  push({ section: 'series', name: 'bucket', value: record.series.bucket, detail: 'bucket width in ms' });
  for (const [group, list] of seriesGroups) for (const s of list) for (const [t, v] of s.points) push({ section: 'series', subject: group, name: s.label, at_ms: t, value: v });

  if (summed) totalsRows(totals, push);
  else storedRows(source.stored, push);

  for (const c of record.clusters) {
    push({ section: 'cluster-summary', subject: c.cluster, name: 'availabilityPercent', value: c.availabilityPercent, detail: `tenant ${c.tenant}; ${c.minutesUnavailable} min unavailable; ${c.nodesDownAtEnd}/${c.nodes} nodes down at the end; ${counted(c.dataAtRisk, 'item')} at risk; ${c.kmsCalls} KMS calls, ${c.failedKmsCalls} failed` });
    for (const [from, to] of c.downIntervals) push({ section: 'cluster-down', subject: c.cluster, name: 'not serving', at_ms: from, value: to - from, detail: `until ${offset(to)}` });
  }
  for (const r of record.regions) push({ section: 'region-summary', subject: r.region, name: 'kmsCalls', value: r.kmsCalls, detail: `${r.failedKmsCalls} failed; ${r.clientSideFailures} never reached KMS; ${r.outageMinutes} min outage; ${counted(r.clustersDown, 'cluster')} down at some moment` });

  for (const r of record.dataAtRisk) push({ section: 'data-at-risk', subject: r.cluster, name: r.what, detail: r.reason });
  yield* flush();

  for (const row of historyRows(source.frames())) {
    push(row);
    if (rows.length >= ROWS_PER_CHUNK) yield* flush();
  }
  yield* flush();
}

/**
 * A timeline entry as a row: who acted (`principal`) goes in the subject beside the cluster, and
 * the CloudTrail records it caused are cited by event id (the first ones of a long stretch).
 */
function timelineRow(e: TimelineEntry, ids: (records: readonly number[]) => string, observed: (observations: readonly number[] | undefined) => string | undefined): CsvRow {
  const where = e.cluster ? `${e.cluster}${e.node ? `/${e.node}` : ''}` : '';
  const step = e.step !== undefined ? `timeline[${e.step}]${e.stepId ? ` (${e.stepId})` : ''}: ` : '';
  const calls = e.calls.count > 0 ? ` [${counted(e.calls.count, 'CloudTrail record')} from #${e.calls.from}]` : '';
  const cited = callsEvidence(e);
  return { section: 'timeline', subject: where, name: e.name, at_ms: e.at, value: e.kind, outcome: e.outcome, detail: `${step}${e.detail}${calls}`, evidence: ids(cited.records), principal: e.principal, observations: observed(cited.observations) };
}

/** The whole CSV report as one string: for tests and small records (files are written with csvReportChunks). */
export function renderCsvReport(record: RunSource | FullRunRecord): string {
  return [...csvReportChunks(record)].join('');
}

/** In place of the totals of a run that never summed itself up: what the event store holds of it, or that it was not counted. */
function storedRows(stored: StoredEvidence | undefined, push: (row: CsvRow) => void): void {
  const why = 'counted in the event store: the run did not finish, so it never summed up its totals';
  if (!stored) {
    push({ section: 'stored', name: 'records', detail: 'not counted: the run did not finish and this report was made without the event store (keydrill audit query --run lists its records)' });
    return;
  }
  push({ section: 'stored', name: 'records', value: stored.records, detail: why });
  push({ section: 'stored', name: 'observations', value: stored.observations, detail: `${why}; calls that never reached KMS` });
  if (stored.lastRecordAt !== undefined) push({ section: 'stored', name: 'lastRecordAt', at_ms: stored.lastRecordAt, value: stored.lastRecordAt, detail: 'drill time of its latest CloudTrail record' });
}

/** The run's totals, for a run that summed itself up. */
function totalsRows(totals: RunRecord['totals'], push: (row: CsvRow) => void): void {
  const total = (name: string, value: number, subject?: string): void => push({ section: 'totals', name, value, subject });
  total('kmsCalls', totals.kmsCalls);
  total('keyOwnerCopies', totals.keyOwnerCopies);
  for (const [account, n] of Object.entries(totals.recordsByAccount).sort((a, b) => a[0].localeCompare(b[0]))) total('recordsByAccount', n, account);
  for (const [region, n] of Object.entries(totals.kmsCallsByRegion).sort((a, b) => a[0].localeCompare(b[0]))) total('kmsCallsByRegion', n, region);
  for (const [code, n] of Object.entries(totals.errorsByCode).sort((a, b) => a[0].localeCompare(b[0]))) total('errorsByCode', n, code);
  total('clientSideCalls', totals.clientSideCalls);
  for (const [code, n] of Object.entries(totals.clientSideByCode).sort((a, b) => a[0].localeCompare(b[0]))) total('clientSideByCode', n, code);
  total('masterKeyRotations', totals.masterKeyRotations);
  total('cmkRotations', totals.cmkRotations);
  total('bulkOperations', totals.bulkOperations);
  total('cacheHits', totals.cacheHits);
  total('cacheMisses', totals.cacheMisses);
  total('cacheHitRatio', totals.cacheHitRatio);
  total('canariesWritten', totals.canaries.written);
  total('canariesRead', totals.canaries.read);
  total('canariesLost', totals.canaries.lost);
  total('kmsCostPerMonthUsd', totals.kmsCostPerMonthUsd);
}
