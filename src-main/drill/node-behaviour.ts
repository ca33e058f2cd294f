import { REVOCATION_CODES } from '../envelope/node-context';
import { serving, type ClusterRuntime, type DrillWorld, type NodeRuntime } from './drill-world';

/**
 * How a node lives between scenario steps: bulk workload counted against its key cache (a KMS
 * Decrypt whenever the cache must refresh its master key), health checks that prove key access,
 * the policy on losing it (serve from cache, or shut down after N failed checks), recovery when
 * access returns, and canary records written and read back with real cryptography.
 */
export function workloadRate(world: DrillWorld, cluster: ClusterRuntime): number {
  return world.scenario.workload.opsPerSecondPerDatabase * cluster.databases.length;
}

/** Counts the bulk operations since the last accounting; a cache refresh that KMS refuses stops the node serving. */
export async function accountWorkload(world: DrillWorld, cluster: ClusterRuntime, n: NodeRuntime): Promise<void> {
  const now = world.t;
  const elapsed = now - n.lastAccountedAt;
  n.lastAccountedAt = now;
  if (n.node.status !== 'running' || n.crashed || elapsed <= 0) return;
  const perDatabase = Math.round((world.scenario.workload.opsPerSecondPerDatabase * elapsed) / 1000);
  if (perDatabase <= 0 && !n.servingFailure) return;
  const mark = world.trail.length;
  try {
    for (const db of cluster.databases) await n.node.countOperations(db, Math.max(perDatabase, n.servingFailure ? 1 : 0));
    world.bulkOperations += perDatabase * cluster.databases.length;
    n.opsSinceLoad += perDatabase * cluster.databases.length;
    if (n.servingFailure) {
      n.servingFailure = false;
      world.note({ kind: 'event', name: 'node-serving', detail: `${cluster.id}/${n.id} serves again: its key cache refreshed`, outcome: 'ok', cluster: cluster.id, node: n.id }, mark);
    }
  } catch (err) {
    if (!n.servingFailure) {
      n.servingFailure = true;
      world.note({ kind: 'event', name: 'node-not-serving', detail: `${cluster.id}/${n.id} cannot serve: its cached keys expired and KMS did not give them back (${codeOf(err)})`, outcome: 'failed', cluster: cluster.id, node: n.id }, mark);
    }
    world.scheduleHealth(n);
  }
  world.refreshUptime(cluster);
}

/** When the node's master key must next be fetched from KMS: its age limit, or its operation budget at the current rate. */
export function scheduleWorkload(world: DrillWorld, cluster: ClusterRuntime, n: NodeRuntime): void {
  const { maxAge, maxOperations } = world.scenario.policy.cache;
  // The accounting just done refreshed whatever limit had passed (the core fetched the key again).
  if (!n.servingFailure && n.node.status === 'running') {
    if (world.t >= n.loadedAt + maxAge) n.loadedAt = world.t;
    if (n.opsSinceLoad >= maxOperations) n.opsSinceLoad %= maxOperations;
  }
  const rate = workloadRate(world, cluster) / 1000; // per ms
  const byAge = n.loadedAt + maxAge;
  const byOps = rate > 0 ? world.t + Math.max(0, maxOperations - n.opsSinceLoad) / rate : Infinity;
  const at = Math.max(world.t + 1000, Math.ceil(Math.min(byAge, byOps)) + 1);
  if (at >= world.scenario.duration || n.workloadAt === at) return;
  n.workloadAt = at;
  world.queue.schedule(at, { type: 'workload', cluster: cluster.id, node: n.id });
}

export async function healthCheck(world: DrillWorld, cluster: ClusterRuntime, n: NodeRuntime): Promise<void> {
  n.healthScheduled = false;
  if (n.crashed) return;
  await accountWorkload(world, cluster, n);
  const policy = world.scenario.policy;
  const mark = world.trail.length;
  const versionSeen = world.version;
  if (n.node.status !== 'running') {
    // A node that lost key access tries to come back at each check (Atlas resumes when access is restored).
    try {
      await n.node.start();
      n.keyLoss = false;
      n.failedChecks = 0;
      n.servingFailure = false;
      n.lastAccountedAt = world.t;
      world.note({ kind: 'event', name: 'node-recovered', detail: `${cluster.id}/${n.id} started again: its master key unwrapped in ${n.node.region}`, outcome: 'ok', cluster: cluster.id, node: n.id }, mark);
      scheduleWorkload(world, cluster, n);
    } catch {
      world.scheduleHealth(n);
    }
    world.refreshUptime(cluster);
    return;
  }
  const result = await n.node.healthCheck();
  if (result.ok) {
    n.failedChecks = 0;
    // Quiet until the world changes again: a repeat check could only give the same answer.
    if (n.checkedVersion !== versionSeen || n.servingFailure) world.scheduleHealth(n);
    n.checkedVersion = versionSeen;
    if (n.servingFailure) await accountWorkload(world, cluster, n);
    return;
  }
  n.failedChecks++;
  n.checkedVersion = versionSeen;
  const refused = REVOCATION_CODES.has(result.kmsCode ?? '');
  if (refused && policy.onKeyAccessLoss.action === 'shut-down' && n.failedChecks >= policy.onKeyAccessLoss.afterFailedChecks) {
    n.node.shutdown('key access lost');
    n.keyLoss = true;
    world.note({ kind: 'event', name: 'node-shut-down', detail: `${cluster.id}/${n.id} shut down after ${n.failedChecks} failed health check(s): KMS answered ${result.kmsCode}`, outcome: 'failed', cluster: cluster.id, node: n.id }, mark);
  } else if (n.failedChecks === 1) {
    world.note({ kind: 'event', name: 'health-check-failed', detail: `${cluster.id}/${n.id} health check failed in ${result.region} (${result.kmsCode}); ${refused ? policy.onKeyAccessLoss.action === 'shut-down' ? `shuts down after ${policy.onKeyAccessLoss.afterFailedChecks}` : 'serving from cache' : 'KMS unreachable: serving from cache'}`, outcome: 'failed', cluster: cluster.id, node: n.id }, mark);
  }
  world.scheduleHealth(n);
  world.refreshUptime(cluster);
}

/** Writes a canary record per running node and database, and reads back the first and the newest. */
export async function canarySweep(world: DrillWorld): Promise<void> {
  for (const cluster of world.clusters.values()) {
    for (const n of cluster.nodes.values()) {
      if (n.node.status !== 'running' || n.crashed) continue;
      await accountWorkload(world, cluster, n);
      const mark = world.trail.length;
      try {
        for (const db of cluster.databases) {
          const list = n.canaries.get(db) ?? [];
          const recordId = `${cluster.id}/${n.id}/${db}/canary-${list.length + 1}`;
          const sealed = await n.node.encryptRecord(db, recordId, canaryPlaintext(recordId));
          list.push({ recordId, sealed });
          n.canaries.set(db, list);
          world.canaryWritten++;
          for (const r of new Set([list[0], list[list.length - 1]])) {
            if (!r) continue;
            const back = await n.node.decryptRecord(r.recordId, r.sealed);
            if (Buffer.compare(Buffer.from(back), canaryPlaintext(r.recordId)) !== 0) throw new Error(`canary ${r.recordId} read back different bytes`);
            world.canaryRead++;
          }
        }
        if (n.servingFailure) n.servingFailure = false;
      } catch (err) {
        if (!n.servingFailure) {
          n.servingFailure = true;
          world.note({ kind: 'event', name: 'canary-failed', detail: `${cluster.id}/${n.id} could not write or read its canary records (${codeOf(err)})`, outcome: 'failed', cluster: cluster.id, node: n.id }, mark);
        }
        world.scheduleHealth(n);
      }
    }
    world.refreshUptime(cluster);
  }
}

export function canaryPlaintext(recordId: string): Buffer {
  return Buffer.from(`keydrill canary ${recordId}`);
}

export function codeOf(err: unknown): string {
  const e = err as { kmsCode?: string; code?: string; name?: string };
  return e.kmsCode ?? e.code ?? e.name ?? 'Error';
}

export function anyServing(cluster: ClusterRuntime): boolean {
  return [...cluster.nodes.values()].some(serving);
}
