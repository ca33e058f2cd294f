import { describe, expect, it } from 'vitest';
import type { HierarchyFrame } from '../../src-shared/run-record';
import { runDrill } from '../../src-main/drill/drill-runner';
import { builtInScenarios } from '../../src-main/drill/scenario-catalog';

/**
 * The hierarchy frames a run keeps, which the Explorer scrubs through and follows live: each
 * must show what a user watching the drill would have seen at that moment.
 */
const scenario = (name: string) => {
  const found = builtInScenarios().find((s) => s.name === name);
  if (!found) throw new Error(`no built-in scenario ${name}`);
  return found;
};
const cached = (f: HierarchyFrame) => f.nodes.filter((n) => n.cache === 'cached').length;

describe('hierarchy frames through a run', () => {
  it('revocation: every node loses its key after the policy is removed, and gets it back after access is restored', async () => {
    const live: HierarchyFrame[] = [];
    const record = await runDrill(scenario('revocation-and-restore'), { onFrame: (f) => live.push(f) });
    const frames = record.hierarchy.history ?? [];
    // What was pushed live is exactly what the record keeps.
    expect(live).toEqual(frames);
    expect(frames[0]?.at).toBe(0);
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
    const record = await runDrill(scenario('regional-outage-single-region-key'));
    const frames = record.hierarchy.history ?? [];
    const during = frames.filter((f) => f.keys.some((k) => k.region === 'us-east-1' && !k.reachable));
    expect(during.length).toBeGreaterThan(0);
    expect(Math.min(...during.map((f) => f.at))).toBe(2 * 3_600_000);
    expect(frames.at(-1)!.keys.every((k) => k.reachable)).toBe(true);
  });

  it('a year of operation: the old key goes pending deletion, then deleted, while snapshots pinned to it remain', async () => {
    const record = await runDrill(scenario('year-of-operation'));
    const frames = record.hierarchy.history ?? [];
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
