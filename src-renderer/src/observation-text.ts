import type { ObservationRow } from '../../src-shared/api';

/**
 * The numbers a run's evidence cites its client-side observations by, for a page of its rows listed
 * oldest first from `offset`: row i is observation offset + i + 1 when its id is the one main derives
 * for that number (`ids`, from `runs:event-ids`). A row whose id differs keeps no number rather than
 * a wrong one.
 */
export function verifiedNumbers(rows: readonly Pick<ObservationRow, 'observationId'>[], offset: number, ids: readonly string[]): Map<string, number> {
  const numbers = new Map<string, number>();
  rows.forEach((row, i) => {
    if (ids[i] === row.observationId) numbers.set(row.observationId, offset + i + 1);
  });
  return numbers;
}

/** Where in the run's hierarchy the call came from: tenant · cluster/node, from its encryption context. */
export function callerText(o: Pick<ObservationRow, 'encryptionContext'>): string {
  const c = o.encryptionContext ?? {};
  const where = c.cluster !== undefined ? (c.node !== undefined ? `${c.cluster}/${c.node}` : c.cluster) : c.node;
  return [c.tenant, where].filter((s) => s !== undefined && s !== '').join(' · ');
}

/** "9 calls that never reached KMS", or "500 shown of more" while pages remain. */
export function observationCountText(loaded: number, more: boolean): string {
  const calls = `${loaded.toLocaleString('en')} call${loaded === 1 ? '' : 's'} that never reached KMS`;
  return more ? `${calls} shown (more as you scroll)` : calls;
}
