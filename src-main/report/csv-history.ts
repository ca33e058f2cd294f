import type { FrameEntry, FrameKey, FrameNode, FrameSnapshot } from '../../src-shared/run-record';
import { nodeKey } from '../../src-shared/hierarchy-replay';
import type { CsvRow } from './csv-report';

/**
 * The hierarchy history as a change log: one row each time a key, a node or a snapshot changed —
 * `history` rows, in time order. Keyframes repeat the whole hierarchy so a reader can start
 * anywhere; a spreadsheet wants each change once, so an item is written only when it differs from
 * its last written state (the first keyframe writes everything). Memory follows the topology, not
 * the history: one remembered state per key, node and snapshot.
 */
export function* historyRows(frames: Iterable<FrameEntry>): Generator<CsvRow> {
  const seen = new Map<string, string>();
  const changed = (id: string, state: string): boolean => {
    if (seen.get(id) === state) return false;
    seen.set(id, state);
    return true;
  };
  for (const f of frames) {
    const base = { section: 'history', at_ms: f.at, detail: f.cause } as const;
    for (const k of f.keys) {
      if (changed(`key ${k.arn}`, keyState(k))) yield { ...base, subject: k.arn, name: k.name ? `key ${k.name}` : 'key', value: k.state, outcome: keyState(k) };
    }
    for (const n of f.nodes) {
      if (changed(`node ${nodeKey(n)}`, nodeState(n))) yield { ...base, subject: nodeKey(n), name: 'node', value: n.status, outcome: nodeState(n), detail: `${f.cause}; master key v${n.masterKeyVersion} under ${n.cmkArn}` };
    }
    for (const id of f.removedSnapshots ?? []) {
      if (seen.delete(`snapshot ${id}`)) yield { ...base, subject: id, name: 'snapshot', value: 'removed', outcome: 'no longer kept' };
    }
    for (const s of f.snapshots) {
      if (changed(`snapshot ${s.id}`, snapshotState(s))) yield { ...base, subject: s.id, name: 'snapshot', value: 'taken', outcome: snapshotState(s), detail: `${f.cause}; ${s.cluster} ${s.database}` };
    }
  }
}

function keyState(k: FrameKey): string {
  return `${k.state}; ${k.reachable ? 'reachable' : 'unreachable'}; service access ${k.serviceAccess ? 'allowed' : 'revoked'}`;
}

function nodeState(n: FrameNode): string {
  return `${n.status}; cache ${n.cache}; KMS ${n.kmsRegion}; master key v${n.masterKeyVersion}`;
}

function snapshotState(s: FrameSnapshot): string {
  return `under ${s.cmkArn}${s.cmkMaterialId ? ` key material ID ${s.cmkMaterialId}` : ''}`;
}
