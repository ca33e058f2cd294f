import type { RunRecord, TimelineEntry } from '../../../src-shared/run-record';
import { LIMITS } from './report-limits';

/** Observed events of one name and outcome: how many, when, where, and the first and last of them. */
export interface EventGroup {
  name: string;
  outcome: TimelineEntry['outcome'];
  count: number;
  first: TimelineEntry;
  last: TimelineEntry;
  clusters: number;
  calls: number;
  observations: number;
}

/** Who acted, and how often. */
export interface PrincipalTally {
  principal: string;
  entries: number;
  steps: number;
  calls: number;
}

/** Observed events per slice of the drill, for the timeline strip of a long timeline. */
export interface EventHistogram {
  span: number;
  ok: number[];
  failed: number[];
}

/** What the HTML report shows of a run's timeline, gathered in one pass over it (however long it is). */
export interface TimelineDigest {
  total: number;
  /** The latest `at` of any entry: how far an interrupted run got, at least. */
  lastAt: number;
  /** True when the whole timeline is shown entry by entry. */
  full: boolean;
  stepsTotal: number;
  /** CloudTrail records cited by id for each entry shown. */
  evidencePerEntry: number;
  /** Entries shown one by one, in timeline order: all of a short timeline; else every step, the first of each kind of event, the first failures. */
  shown: TimelineEntry[];
  /** Observed events by name and outcome, failures first, then the most frequent. */
  groups: EventGroup[];
  principals: PrincipalTally[];
  histogram: EventHistogram;
  /** For each tenant described in detail: the entries that concern it (see TenantEntries). */
  byCluster: Map<string, TenantEntries>;
}

/**
 * What happened to one tenant: its notable entries (steps that concern it, failures, state changes),
 * the first and the last of them, how many notable ones fell between, and routine events (a snapshot
 * taken, a health check passed) counted by name rather than listed.
 */
export interface TenantEntries {
  entries: TimelineEntry[];
  more: number;
  routine: [name: string, count: number][];
}

const HISTOGRAM_BINS = 240;

/** An observed event that went as planned and changed nothing a reader looks for. */
function routine(e: TimelineEntry): boolean {
  return e.kind === 'event' && e.outcome === 'ok' && !/recover|restor|serv|shut|down|fail|lost|crash|start|stop|delet|revok|disabl|rotat|reconfig/i.test(e.name);
}

export function digestTimeline(entries: Iterable<TimelineEntry>, record: RunRecord, detailed: readonly string[]): TimelineDigest {
  const span = Math.max(record.scenario.duration, 1);
  const histogram: EventHistogram = { span, ok: new Array<number>(HISTOGRAM_BINS).fill(0), failed: new Array<number>(HISTOGRAM_BINS).fill(0) };
  const groups = new Map<string, EventGroup & { clusterSet: Set<string> }>();
  const principals = new Map<string, PrincipalTally>();
  const firstEntries: TimelineEntry[] = [];
  const steps: TimelineEntry[] = [];
  const failures: TimelineEntry[] = [];
  const concerns = clusterConcerns(record, detailed);
  const byCluster = new Map<string, { first: TimelineEntry[]; last: TimelineEntry[]; seen: number; routine: Map<string, number> }>(detailed.map((c) => [c, { first: [], last: [], seen: 0, routine: new Map() }]));
  let total = 0;
  let stepsTotal = 0;
  let lastAt = 0;

  for (const e of entries) {
    total++;
    lastAt = Math.max(lastAt, e.at);
    if (firstEntries.length <= LIMITS.fullTimeline) firstEntries.push(e);
    if (e.principal) {
      const p = principals.get(e.principal) ?? { principal: e.principal, entries: 0, steps: 0, calls: 0 };
      p.entries++;
      if (e.kind !== 'event') p.steps++;
      p.calls += e.calls.count;
      principals.set(e.principal, p);
    }
    if (e.kind !== 'event') {
      stepsTotal++;
      if (steps.length < LIMITS.steps) steps.push(e);
    } else {
      const key = `${e.name}\0${e.outcome}`;
      const g = groups.get(key) ?? { name: e.name, outcome: e.outcome, count: 0, first: e, last: e, clusters: 0, calls: 0, observations: 0, clusterSet: new Set<string>() };
      g.count++;
      g.last = e;
      g.calls += e.calls.count;
      g.observations += e.observations?.count ?? 0;
      if (e.cluster) g.clusterSet.add(e.cluster);
      groups.set(key, g);
      if (e.outcome === 'failed' && failures.length < LIMITS.failedEvents) failures.push(e);
      const bin = Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((e.at / span) * HISTOGRAM_BINS)));
      (e.outcome === 'failed' ? histogram.failed : histogram.ok)[bin]! += 1;
    }
    for (const cluster of concerns(e)) {
      const list = byCluster.get(cluster);
      if (!list) continue;
      if (routine(e)) {
        list.routine.set(e.name, (list.routine.get(e.name) ?? 0) + 1);
        continue;
      }
      list.seen++;
      if (list.first.length < LIMITS.tenantEntriesFirst) list.first.push(e);
      else {
        list.last.push(e);
        if (list.last.length > LIMITS.tenantEntriesLast) list.last.shift();
      }
    }
  }

  const full = total <= LIMITS.fullTimeline;
  const grouped = [...groups.values()].map(({ clusterSet, ...g }) => ({ ...g, clusters: clusterSet.size }));
  const shown = full ? firstEntries : uniqueInOrder([...steps, ...grouped.map((g) => g.first), ...failures]);
  return {
    total,
    lastAt,
    full,
    stepsTotal,
    evidencePerEntry: full ? LIMITS.evidencePerEntry : LIMITS.evidencePerEntrySummarised,
    shown,
    groups: grouped.sort((a, b) => Number(b.outcome === 'failed') - Number(a.outcome === 'failed') || b.count - a.count || a.first.seq - b.first.seq),
    principals: [...principals.values()].sort((a, b) => b.entries - a.entries || a.principal.localeCompare(b.principal)),
    histogram,
    byCluster: new Map([...byCluster].map(([c, l]) => [c, { entries: [...l.first, ...l.last], more: l.seen - l.first.length - l.last.length, routine: [...l.routine].sort((a, b) => b[1] - a[1]) }])),
  };
}

function uniqueInOrder(entries: readonly TimelineEntry[]): TimelineEntry[] {
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Which of the `detailed` clusters an entry concerns: an observed event names its cluster; a step
 * names a key (every cluster on it), a cluster or a node; a regional or zonal fault concerns the
 * clusters with a node (or their key) there.
 */
function clusterConcerns(record: RunRecord, detailed: readonly string[]): (e: TimelineEntry) => string[] {
  if (detailed.length === 0) return () => [];
  const wanted = new Set(detailed);
  const byKey = new Map<string, string[]>();
  const byPlace = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, at: string, cluster: string): void => {
    const list = map.get(at) ?? [];
    if (!list.includes(cluster)) list.push(cluster);
    map.set(at, list);
  };
  const keyRegion = new Map(record.topology.keys.map((k) => [k.id, k.region]));
  for (const c of record.topology.clusters) {
    if (!wanted.has(c.id)) continue;
    add(byKey, c.key, c.id);
    const region = keyRegion.get(c.key);
    if (region) add(byPlace, `region ${region}`, c.id);
    for (const n of c.nodes) {
      add(byPlace, `region ${n.region}`, c.id);
      add(byPlace, `zone ${n.zone}`, c.id);
    }
  }
  const steps = Array.isArray(record.scenario.definition.timeline) ? (record.scenario.definition.timeline as unknown[]) : [];
  return (e) => {
    if (e.cluster) return wanted.has(e.cluster) ? [e.cluster] : [];
    if (e.step === undefined) return [];
    const step = steps[e.step];
    if (!step || typeof step !== 'object') return [];
    const s = step as Record<string, unknown>;
    if (typeof s.key === 'string') return byKey.get(s.key) ?? [];
    if (typeof s.cluster === 'string') return wanted.has(s.cluster) ? [s.cluster] : [];
    if (typeof s.node === 'string') {
      const cluster = s.node.split('/')[0] ?? '';
      return wanted.has(cluster) ? [cluster] : [];
    }
    if (typeof s.region === 'string') return byPlace.get(`region ${s.region}`) ?? [];
    if (typeof s.zone === 'string') return byPlace.get(`zone ${s.zone}`) ?? [];
    return [];
  };
}
