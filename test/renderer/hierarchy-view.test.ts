import { beforeAll, describe, expect, it } from 'vitest';
import type { HierarchyFrame, RunRecord } from '../../src-shared/run-record';
import { builtIn, runWhole } from '../support/drill-run';
import { dependants, hierarchyGraph, viewOfFrame, viewOfRecordEnd, type GraphNode } from '../../src-renderer/src/hierarchy-model';

/**
 * The Explorer's view of real runs on the embedded KMS: each moment's boxes carry the colour and
 * the words a user reads (disabled, pending deletion, unreachable, revoked, lost).
 */
const runs = new Map<string, { record: RunRecord; frames: HierarchyFrame[] }>();
beforeAll(async () => {
  for (const name of ['revocation-and-restore', 'regional-outage-single-region-key', 'year-of-operation']) {
    runs.set(name, await runWhole(builtIn(name)));
  }
}, 120_000);

const moments = (name: string) => {
  const { record, frames } = runs.get(name)!;
  return frames.map((f) => ({ at: f.at, boxes: hierarchyGraph(viewOfFrame(f, record)) }));
};
const of = (boxes: GraphNode[], kind: GraphNode['kind']) => boxes.filter((b) => b.kind === kind);

describe('the hierarchy view of a run, moment by moment', () => {
  it('revocation: the CMK shows access revoked and every key under it goes down, then all serve again', () => {
    const all = moments('revocation-and-restore');
    expect(of(all[0]!.boxes, 'master').every((b) => b.state === 'ok')).toBe(true);
    const revoked = all.find((m) => of(m.boxes, 'master').every((b) => b.state === 'down'))!;
    expect(revoked).toBeDefined();
    const cmk = of(revoked.boxes, 'cmk')[0]!;
    expect(cmk.state).toBe('down');
    expect(cmk.stateText).toMatch(/access is revoked/);
    expect(of(revoked.boxes, 'database').every((b) => b.state === 'down')).toBe(true);
    expect(dependants(revoked.boxes, cmk.id)).toEqual({ masters: 4, databases: 7, snapshots: 0 });
    const last = all.at(-1)!;
    expect(of(last.boxes, 'master').every((b) => b.state === 'ok')).toBe(true);
    expect(of(last.boxes, 'cmk')[0]!.sub).toContain('alias/globex');
  });

  it('a regional outage: the key in that region is unreachable while it lasts', () => {
    const during = moments('regional-outage-single-region-key').find((m) => m.at === 2 * 3_600_000)!;
    const cmk = of(during.boxes, 'cmk').find((b) => b.sub.startsWith('us-east-1'))!;
    expect(cmk.state).toBe('down');
    expect(cmk.stateText).toMatch(/region unreachable/);
  });

  it('a year: the old key pending deletion puts its snapshots at risk, its deletion loses them', () => {
    const all = moments('year-of-operation');
    const pending = all.find((m) => of(m.boxes, 'cmk')[0]!.stateText.startsWith('pending deletion'))!;
    expect(of(pending.boxes, 'cmk')[0]!.state).toBe('warn');
    expect(of(pending.boxes, 'snapshot').some((b) => b.state === 'warn' && /at risk/.test(b.stateText))).toBe(true);
    const deleted = all.find((m) => of(m.boxes, 'cmk')[0]!.state === 'lost')!;
    expect(deleted.at).toBeGreaterThan(pending.at);
    expect(of(deleted.boxes, 'snapshot').some((b) => b.state === 'lost')).toBe(true);
    // The judged end agrees: snapshots pinned to the deleted key do not restore.
    const end = hierarchyGraph(viewOfRecordEnd(runs.get('year-of-operation')!.record, runs.get('year-of-operation')!.frames.at(-1)));
    expect(of(end, 'snapshot').filter((b) => b.state === 'lost').length).toBeGreaterThan(0);
    expect(of(end, 'cmk')[0]!.state).toBe('lost');
  });
});
