import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import type { ApiArgs, ApiChannel, ApiResult, FrameEntry, RunRecord } from '../../src-shared/api';
import { replayAll } from '../../src-shared/hierarchy-replay';
import { Scenario } from '../../src-shared/scenario';
import { blastItemName, blastRadius, worstFirst } from '../../src-renderer/src/explorer/blast-radius';
import { fleetTopology, total } from '../../src-renderer/src/explorer/fleet-model';
import { FleetState } from '../../src-renderer/src/explorer/fleet-state';
import { FrameHistory } from '../../src-renderer/src/explorer/frame-history';
import { viewOfFrame } from '../../src-renderer/src/hierarchy-model';
import { runWhole } from '../support/drill-run';

/**
 * The Explorer at fleet size, on a real generated fleet run (12 tenants, a us-east-1 KMS outage,
 * automatic failover) played on the embedded KMS and read back through the API the page uses:
 * the scrubber's moments, frames loaded a keyframe's segment at a time, the tree's counts kept per
 * tenant from moment to moment, and the blast radius of a region.
 */
const TENANTS = 12;
let home: string;
let services: AppServices;
let runId: string;
let record: RunRecord;
let all: FrameEntry[];

async function api<C extends ApiChannel>(channel: C, args: ApiArgs<C>): Promise<ApiResult<C>> {
  const out = await callApi({ services } as AppContext, channel, args);
  if (!out.ok) throw new Error(out.error.message);
  return out.result as ApiResult<C>;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'keydrill-explorer-'));
  services = new AppServices({ home });
  const text = stringify(fleetScenario({ tenants: TENANTS, days: 2, outageAtHours: 20, outageHours: 3 }));
  services.drills.run({ text }, 'embedded', undefined);
  await services.drills.idle();
  runId = services.runs.list()[0]!.runId;
  record = await api('runs:get', { runId });
  all = [...services.runs.runStore().allFrames(runId)];
}, 120_000);

afterAll(async () => {
  await services.close();
  rmSync(home, { recursive: true, force: true });
});

function history(): FrameHistory {
  return new FrameHistory({ at: [], keyframes: [] }, (seq) => api('runs:frames', { runId, seq, limit: 20_000 }).then((p) => p.entries));
}

describe('the Explorer at fleet size', () => {
  it('lists every moment of the history and loads each keyframe segment by entry number', async () => {
    const moments = await api('runs:moments', { runId });
    expect(moments.total).toBe(all.length);
    expect(moments.at).toEqual(all.map((e) => e.at));
    expect(moments.keyframes).toEqual(all.filter((e) => e.keyframe).map((e) => e.seq));
    expect(moments.keyframes.length).toBeGreaterThan(1);
    const second = moments.keyframes[1]!;
    const page = await api('runs:frames', { runId, seq: second + 1 });
    expect(page.entries[0]!.seq).toBe(second);
    expect(page.entries[0]!.keyframe).toBe(true);
    await expect(api('runs:frames', { runId } as ApiArgs<'runs:frames'>)).rejects.toThrow(/give at .*, seq .* or after/);
    // The rest of a segment: the entries after one, up to the next keyframe.
    const rest = await api('runs:frames', { runId, after: 2 });
    expect(rest.entries.map((e) => e.seq)).toEqual(all.filter((e) => e.seq > 2 && e.seq < second).map((e) => e.seq));
    expect((await api('runs:frames', { runId, after: second })).entries[0]?.seq).toBe(second + 1);
  });

  it('shows the same hierarchy at every moment, stepping forward, back, or jumping, as replaying the whole history', async () => {
    const moments = await api('runs:moments', { runId });
    const h = history();
    h.extend({ at: moments.at, keyframes: moments.keyframes });
    const whole = replayAll(all);
    const order = [...whole.keys(), ...[...whole.keys()].reverse(), 0, whole.length - 1, Math.floor(whole.length / 2), 3, whole.length - 2];
    for (const seq of order) {
      const { frame, entry } = await h.frameAt(seq);
      expect(entry.seq).toBe(seq);
      expect(sorted(frame), `moment ${seq}`).toEqual(sorted(whole[seq]!));
    }
  });

  it('grows with a run another process is still writing: new moments added, the last segment read again, the rest kept', async () => {
    const keyframes = all.filter((e) => e.keyframe).map((e) => e.seq);
    expect(keyframes.length).toBeGreaterThan(1);
    // Written so far: part of the first keyframe's segment, as when the window looks mid-run.
    let written = Math.floor(keyframes[1]! / 2);
    expect(written).toBeGreaterThan(3);
    const loads: number[] = [];
    const segment = (k: number) => {
      loads.push(k);
      const next = keyframes.find((x) => x > k) ?? Infinity;
      return all.filter((e) => e.seq >= k && e.seq < Math.min(next, written));
    };
    const page = (offset: number) => ({ at: all.slice(offset, written).map((e) => e.at), keyframes: keyframes.filter((k) => k >= offset && k < written) });
    const h = new FrameHistory({ at: [], keyframes: [] }, segment);
    expect(h.grow(page(0), 0)).toBe(written);
    const whole = replayAll(all);
    expect(sorted((await h.frameAt(written - 1)).frame)).toEqual(sorted(whole[written - 1]!));
    expect(sorted((await h.frameAt(2)).frame)).toEqual(sorted(whole[2]!));
    expect(loads).toEqual([0]);

    // The run goes on to its end; the window reads only what was added since.
    const before = h.length;
    written = all.length;
    expect(h.grow(page(before), before)).toBe(all.length - before);
    expect(h.grow(page(before), before)).toBe(0);
    expect(h.length).toBe(all.length);
    // A moment it held already is shown from what was read: nothing read again.
    expect(sorted((await h.frameAt(before - 1)).frame)).toEqual(sorted(whole[before - 1]!));
    expect(loads).toEqual([0]);
    // A moment past what was known, in the segment read before it grew: read again, and right.
    const further = before + 1;
    expect(sorted((await h.frameAt(further)).frame)).toEqual(sorted(whole[further]!));
    expect(sorted((await h.frameAt(all.length - 1)).frame)).toEqual(sorted(whole[all.length - 1]!));
    // The segment that grew was read again once, the next one once; neither again after that.
    await h.frameAt(1);
    expect(loads).toEqual([0, 0, h.keyframeOf(all.length - 1)]);
  });

  it('adds only a segment’s new entries when a tail loader is given: the store’s rest of the segment after the last one held', async () => {
    const keyframes = all.filter((e) => e.keyframe).map((e) => e.seq);
    let written = Math.floor(keyframes[1]! / 2);
    const asked: string[] = [];
    const upTo = (rows: FrameEntry[]) => rows.filter((e) => e.seq < written);
    const h = new FrameHistory(
      { at: [], keyframes: [] },
      async (k) => {
        asked.push(`segment ${k}`);
        return upTo((await api('runs:frames', { runId, seq: k, limit: 20_000 })).entries);
      },
      4,
      async (after) => {
        asked.push(`after ${after}`);
        return upTo((await api('runs:frames', { runId, after, limit: 20_000 })).entries);
      },
    );
    const page = (offset: number) => ({ at: all.slice(offset, written).map((e) => e.at), keyframes: keyframes.filter((k) => k >= offset && k < written) });
    h.grow(page(0), 0);
    await h.frameAt(written - 1);
    const before = h.length;
    written = all.length;
    h.grow(page(before), before);
    const whole = replayAll(all);
    for (const seq of [before, keyframes[1]! - 1, 0, all.length - 1]) expect(sorted((await h.frameAt(seq)).frame), `moment ${seq}`).toEqual(sorted(whole[seq]!));
    expect(asked).toEqual(['segment 0', `after ${before - 1}`, `segment ${h.keyframeOf(all.length - 1)}`]);
  });

  it('keeps each tenant’s counts from moment to moment exactly as counting afresh does', async () => {
    const topology = fleetTopology(record.topology);
    const kept = new FleetState(topology);
    const whole = replayAll(all);
    for (const [seq, frame] of whole.entries()) {
      const view = viewOfFrame(frame, record);
      const stepped = kept.at(view);
      const fresh = new FleetState(topology).at(view);
      expect(stepped.tenants.map((t) => t.id)).toEqual(record.topology.clusters.map((c) => c.tenant));
      expect(stepped.tenants.map(summary), `moment ${seq}`).toEqual(fresh.tenants.map(summary));
    }
  });

  it('the blast radius of us-east-1 during the outage: every node calling KMS there, its databases, and every key there, by state', async () => {
    const whole = replayAll(all);
    const during = whole.find((f) => f.keys.some((k) => k.region === 'us-east-1' && !k.reachable) && f.nodes.some((n) => n.kmsRegion === 'us-east-1'))!;
    expect(during).toBeDefined();
    const moment = new FleetState(fleetTopology(record.topology)).at(viewOfFrame(during, record));
    const radius = blastRadius(moment.boxes(), moment.placement(), { kind: 'region', region: 'us-east-1' });
    const calling = during.nodes.filter((n) => n.kmsRegion === 'us-east-1');
    expect(total(radius.counts.master)).toBe(calling.length);
    expect(total(radius.counts.database)).toBe(calling.reduce((n, x) => n + x.databases.length, 0));
    expect(radius.keys.map((k) => k.arn).sort()).toEqual(during.keys.filter((k) => k.region === 'us-east-1').map((k) => k.arn).sort());
    expect(radius.keys.every((k) => k.state === 'down' && /unreachable/.test(k.stateText))).toBe(true);
    // Each row of its table names what it is: a node's database key by its node (rows read "t01-prod · db1" three times).
    const names = radius.items.map((i) => blastItemName(i.box));
    expect(new Set(names).size).toBe(names.length);
    const db = radius.items.find((i) => i.box.kind === 'database')!.box;
    expect(blastItemName(db)).toBe(`${db.cluster}/${db.node} · ${db.label}`);
    // Worst first: what is hurt tops a list of thousands (a 300-tenant trial's down keys were buried among 2,520 rows).
    const concern = ['lost', 'down', 'warn', 'idle', 'ok'];
    const ranks = radius.items.map((i) => concern.indexOf(i.box.state));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const hurt = worstFirst([...radius.items].reverse().map((i, k) => (k === 0 ? { ...i, box: { ...i.box, state: 'down' as const } } : i)));
    expect(hurt[0]?.box.state).toBe('down');
    // The replica region is not hit by it.
    const west = blastRadius(moment.boxes(), moment.placement(), { kind: 'region', region: 'us-west-2' });
    expect(total(west.counts.master)).toBe(during.nodes.length - calling.length);
    // A CMK's radius covers its replicas' users too: one tenant's three nodes, wherever they call KMS.
    const cmk = record.topology.keys[0]!;
    const own = blastRadius(moment.boxes(), moment.placement(), { kind: 'cmk', arn: cmk.arn, label: cmk.id });
    expect(total(own.counts.master)).toBe(3);
    expect(own.tenants).toBe(1);
  });
});

function sorted(frame: { keys: { arn: string }[]; nodes: { cluster: string; node: string }[]; snapshots: { id: string }[] }) {
  return {
    keys: [...frame.keys].sort((a, b) => a.arn.localeCompare(b.arn)),
    nodes: [...frame.nodes].sort((a, b) => `${a.cluster}/${a.node}`.localeCompare(`${b.cluster}/${b.node}`)),
    snapshots: [...frame.snapshots].sort((a, b) => a.id.localeCompare(b.id)),
  };
}

function summary(t: { id: string; nodes: object; databases: object; snapshots: object; keys: object; worst: string; regions: { region: string; keys: { id: string; state: string }[]; clusters: { id: string; counts: object }[] }[] }) {
  return { id: t.id, nodes: t.nodes, databases: t.databases, snapshots: t.snapshots, keys: t.keys, worst: t.worst, regions: t.regions.map((r) => ({ region: r.region, keys: r.keys.map((k) => `${k.id}:${k.state}`), clusters: r.clusters.map((c) => ({ id: c.id, counts: c.counts })) })) };
}

describe('the Explorer of a fleet stopped while its clusters were starting', () => {
  it('shows the tenants whose cluster never started as idle, not serving', async () => {
    const stop = new AbortController();
    const scenario = Scenario.parse(fleetScenario({ tenants: TENANTS, days: 2 }));
    const { record: stopped, frames } = await runWhole(scenario, { signal: stop.signal, onSetup: (s) => (s.stage === 'clusters' && s.done === 4 ? stop.abort('stopped by the test') : undefined) });
    expect(stopped.execution.status).toBe('cancelled');
    const moment = new FleetState(fleetTopology(stopped.topology)).at(viewOfFrame(frames.at(-1)!, stopped));
    const started = new Set(stopped.hierarchy.nodes.map((n) => n.cluster));
    expect(started.size).toBe(4);
    for (const t of moment.tenants) expect([t.id, t.worst]).toEqual([t.id, started.has(`${t.id}-prod`) ? 'ok' : 'idle']);
  }, 60_000);
});
