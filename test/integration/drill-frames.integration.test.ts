import { describe, expect, it } from 'vitest';
import type { HierarchyFrame } from '../../src-shared/run-record';
import type { FrameEntry } from '../../src-shared/run-record';
import { HierarchyReplay } from '../../src-shared/hierarchy-replay';
import { builtIn as scenario, runWhole } from '../support/drill-run';

/**
 * The hierarchy frames a run keeps, which the Explorer scrubs through and follows live: each
 * must show what a user watching the drill would have seen at that moment.
 */
const cached = (f: HierarchyFrame) => f.nodes.filter((n) => n.cache === 'cached').length;

describe('hierarchy frames through a run', () => {
  it('revocation: every node loses its key after the policy is removed, and gets it back after access is restored', async () => {
    const live: FrameEntry[] = [];
    const { full, frames } = await runWhole(scenario('revocation-and-restore'), { onFrame: (f) => live.push(f) });
    // What was pushed live is exactly what the record keeps.
    expect(live).toEqual(full.frames);
    expect(frames[0]?.at).toBe(0);
    expect(full.frames[0]?.keyframe).toBe(true);
    expect(cached(frames[0]!)).toBe(frames[0]!.nodes.length);
    const revoked = frames.findIndex((f) => f.keys.every((k) => !k.serviceAccess));
    expect(revoked).toBeGreaterThan(0);
    const allDown = frames.findIndex((f, i) => i > revoked && cached(f) === 0);
    expect(allDown).toBeGreaterThan(revoked);
    const restored = frames.findIndex((f, i) => i > allDown && f.keys.every((k) => k.serviceAccess) && cached(f) === f.nodes.length);
    expect(restored).toBeGreaterThan(allDown);
    // Frames are in time order and only kept when something drawn changed.
    for (let i = 1; i < frames.length; i++) {
      expect(frames[i]!.at).toBeGreaterThanOrEqual(frames[i - 1]!.at);
      expect(JSON.stringify([frames[i]!.keys, frames[i]!.nodes, frames[i]!.snapshots])).not.toBe(JSON.stringify([frames[i - 1]!.keys, frames[i - 1]!.nodes, frames[i - 1]!.snapshots]));
    }
  });

  it('a regional outage shows the key unreachable in that region for the outage, then reachable again', async () => {
    const { frames } = await runWhole(scenario('regional-outage-single-region-key'));
    const during = frames.filter((f) => f.keys.some((k) => k.region === 'us-east-1' && !k.reachable));
    expect(during.length).toBeGreaterThan(0);
    expect(Math.min(...during.map((f) => f.at))).toBe(2 * 3_600_000);
    expect(frames.at(-1)!.keys.every((k) => k.reachable)).toBe(true);
  });

  it('a year of operation: the old key goes pending deletion, then deleted, while snapshots pinned to it remain', async () => {
    const { frames } = await runWhole(scenario('year-of-operation'));
    const states = frames.map((f) => f.keys[0]!.state);
    const pending = states.indexOf('PendingDeletion');
    const deleted = states.indexOf('Deleted');
    expect(pending).toBeGreaterThan(0);
    expect(deleted).toBeGreaterThan(pending);
    expect(frames[deleted]!.at - frames[pending]!.at).toBeGreaterThanOrEqual(7 * 86_400_000);
    const oldArn = frames[0]!.keys[0]!.arn;
    expect(frames[deleted]!.snapshots.some((s) => s.cmkArn === oldArn)).toBe(true);
    // A year of steady state costs frames only where something changed.
    expect(frames.length).toBeLessThan(100);
  }, 60_000);
});

describe('the hierarchy history at fleet size', () => {
  it('deltas hold only what changed and keyframes come rarely, yet replaying from any keyframe rebuilds the same hierarchy', async () => {
    const { fleetScenario } = await import('../../bench/fleet-scenario');
    const { Scenario } = await import('../../src-shared/scenario');
    const fleet = Scenario.parse(fleetScenario({ tenants: 12, days: 3, outageAtHours: 30, outageHours: 2 }));
    const { full, frames } = await runWhole(fleet);
    const nodes = 12 * 3;
    const deltas = full.frames.filter((f) => !f.keyframe);
    expect(deltas.length).toBeGreaterThan(10);
    // A delta of one node's event names that node, not the whole fleet.
    expect(deltas.filter((d) => d.nodes.length === 1).length).toBeGreaterThan(0);
    expect(Math.max(...deltas.map((d) => d.nodes.length))).toBeLessThanOrEqual(nodes);
    expect(full.frames.filter((f) => f.keyframe).length).toBeLessThan(full.frames.length / 4);
    // Starting at the last keyframe gives the same end as replaying everything.
    const lastKey = full.frames.map((f) => f.keyframe).lastIndexOf(true);
    const replay = new HierarchyReplay();
    for (const e of full.frames.slice(lastKey)) replay.apply(e);
    expect(replay.frame()).toEqual(frames.at(-1));
    expect(frames.at(-1)!.nodes).toHaveLength(nodes);
  }, 60_000);
});
