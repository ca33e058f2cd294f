/**
 * One fleet drill in a process of its own, so its peak memory is its own: `tsx bench/lib/fleet-drill-run.ts
 * '<json FleetOptions>' <run-store file>` plays the generated scenario on the embedded KMS as `keydrill
 * drill run` and the app do — its CloudTrail records ingested into an event store beside the run store
 * (`<run-store file>.events.sqlite`) as they are made, the run streamed into the run store — and prints
 * one JSON line of measurements. The wall time ends when the last record is stored.
 */
import { resourceUsage } from 'node:process';
import { Scenario } from '../../src-shared/scenario';
import { estimateDrill } from '../../src-shared/drill-estimate';
import { BatchedIngest } from '../../src-main/audit/batched-ingest';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { runDrill } from '../../src-main/drill/drill-runner';
import { RunStore } from '../../src-main/runs/run-store';
import { fleetScenario, type FleetOptions } from '../fleet-scenario';

export interface FleetMeasurement {
  tenants: number;
  days: number;
  nodes: number;
  events: number;
  estimatedEvents: number;
  kmsCalls: number;
  observations: number;
  wallMs: number;
  msPerKmsCall: number;
  usPerEvent: number;
  peakRssMiB: number;
  /** The run as stored: its head, timeline and hierarchy history (the run store's rows). */
  recordBytes: number;
  frames: number;
  keyframes: number;
  timeline: number;
  passed: boolean;
  /** The Node that ran it (drill-bench.ts runs each size on the CLI's Node and on Electron's). */
  node: string;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as FleetOptions;
  const storeFile = process.argv[3] as string;
  const scenario = Scenario.parse(fleetScenario(options));
  const store = RunStore.open(storeFile);
  const eventStore = SqliteEventStore.open(`${storeFile}.events.sqlite`);
  const ingest = new BatchedIngest(eventStore);
  let events = 0;
  const started = performance.now();
  const record = await runDrill(scenario, { eventSink: ingest, runSink: store.sink(), onProgress: () => void events++ });
  await ingest.flush();
  const wallMs = performance.now() - started;
  const stored = ingest.stats().inserted;
  await ingest.close();
  eventStore.close();
  if (stored !== record.eventCount) throw new Error(`the event store holds ${stored} of the run's ${record.eventCount} CloudTrail records`);
  const runId = record.execution.runId;
  const bytes = store.db.prepare<[string, string, string], { n: number }>(
    'SELECT (SELECT coalesce(sum(length(head)), 0) FROM runs WHERE run_id = ?) + (SELECT coalesce(sum(length(body)), 0) FROM frames WHERE run_id = ?) + (SELECT coalesce(sum(length(body)), 0) FROM timeline WHERE run_id = ?) AS n',
  ).get(runId, runId, runId)?.n ?? 0;
  store.close();
  const nodes = scenario.topology.clusters.reduce((n, c) => n + c.nodes.length, 0);
  const m: FleetMeasurement = {
    tenants: options.tenants,
    days: options.days ?? 30,
    nodes,
    events,
    estimatedEvents: Math.round(estimateDrill(scenario).events),
    kmsCalls: record.totals.kmsCalls,
    observations: record.observationCount,
    wallMs,
    msPerKmsCall: wallMs / Math.max(1, record.totals.kmsCalls),
    usPerEvent: (wallMs * 1000) / Math.max(1, events),
    peakRssMiB: resourceUsage().maxRSS / 1024,
    recordBytes: bytes,
    frames: record.history.frames,
    keyframes: record.history.keyframes,
    timeline: record.history.timeline,
    passed: record.passed,
    node: process.versions.node,
  };
  console.log(JSON.stringify(m));
}

await main();
