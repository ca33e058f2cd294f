import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type Execution, type RunRecord, type RunStatus } from '../../src-shared/run-record';
import type { Scenario } from '../../src-shared/scenario';
import { KEYDRILL_VERSION } from '../common/version';
import type { DrillBackend } from './drill-backend';
import { drillDefinition } from './drill-definition';
import type { DrillWorld } from './drill-world';

/** What a run knows about itself from the start: its names, scenario, seed, backend and starts. */
export interface RunContext {
  runId: string;
  label: string;
  /** SHA-256 (16 hex digits) of the validated scenario. */
  hash: string;
  scenario: Scenario;
  seed: number;
  backend: DrillBackend;
  /** The virtual start (epoch ms). */
  start: number;
  /** The wall-clock start. */
  startedAt: Date;
}

export function executionOf(run: RunContext, status: RunStatus, reachedAt: number, extra: Partial<Execution> = {}): Execution {
  return {
    runId: run.runId,
    label: run.label,
    status,
    startedAt: run.startedAt.toISOString(),
    ...(status === 'started' ? {} : { endedAt: new Date().toISOString() }),
    reachedAt,
    keydrillVersion: KEYDRILL_VERSION,
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
    endpoint: run.backend.endpoint,
    principals: run.backend.principals,
    ...extra,
  };
}

export function scenarioBlock(run: RunContext): RunRecord['scenario'] {
  const { scenario } = run;
  return {
    name: scenario.name, title: scenario.title, description: scenario.description, ...(scenario.source ? { source: scenario.source } : {}),
    seed: run.seed, duration: scenario.duration, hash: run.hash, definition: drillDefinition(scenario),
  };
}

export function backendBlock(run: RunContext, world: DrillWorld | undefined): RunRecord['backend'] {
  const { notes: _notes, backend: _backend, ...flags } = run.backend.capabilities;
  const departures = world?.departures ?? [];
  return { kind: run.backend.kind, capabilities: flags, simulated: world?.simulated ?? [], ...(departures.length ? { departures } : {}) };
}

export function topologyBlock(run: RunContext, world: DrillWorld | undefined): RunRecord['topology'] {
  const { scenario } = run;
  return {
    account: run.backend.account,
    regions: scenario.topology.regions,
    keys: [...(world?.keys.values() ?? [])].map((k) => ({ id: k.id, tenant: k.tenant, ...(k.service ? { service: k.service } : {}), arn: k.arn, region: k.region, multiRegion: k.multiRegion, replicas: k.replicas, ...(k.alias ? { alias: k.alias } : {}) })),
    clusters: scenario.topology.clusters.map((c) => ({ id: c.id, tenant: c.tenant, key: c.key, nodes: c.nodes, databases: c.databases })),
  };
}

/**
 * The head of a run that has just started (before the keys exist, or once they do): what it is and
 * where it runs, nothing measured yet. A run that never finishes keeps this head, so a report of an
 * interrupted run still says what was drilled, where and when.
 */
export function headAtStart(run: RunContext, world: DrillWorld | undefined): RunRecord {
  return {
    format: RUN_RECORD_FORMAT,
    version: RUN_RECORD_VERSION,
    execution: executionOf(run, 'started', 0),
    scenario: scenarioBlock(run),
    backend: backendBlock(run, world),
    startTime: new Date(run.start).toISOString(),
    topology: topologyBlock(run, world),
    hierarchy: { nodes: [], snapshots: [] },
    history: { frames: 0, keyframes: 0, timeline: 0 },
    verdicts: [],
    passed: false,
    series: { bucket: 60_000, availability: [], fleetAvailability: { label: 'fleet', points: [] }, kmsCallsByRegion: [], kmsCallsByOperation: [], errorsByCode: [], clientSideByCode: [] },
    clusters: [],
    regions: [],
    totals: {
      kmsCalls: 0, kmsCallsByRegion: {}, errorsByCode: {}, clientSideCalls: 0, clientSideByCode: {}, bulkOperations: 0, cacheHits: 0, cacheMisses: 0, cacheHitRatio: 1, keyOwnerCopies: 0, recordsByAccount: {},
      canaries: { written: 0, read: 0, lost: 0 }, masterKeyRotations: 0, cmkRotations: 0, kmsCostPerMonthUsd: 0,
    },
    dataAtRisk: [],
    eventCount: 0,
    observationCount: 0,
  };
}
