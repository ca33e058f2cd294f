import { FailoverRefusedError } from '../envelope/envelope-errors';
import { KmsCallError } from '../envelope/kms-port';
import { REVOCATION_CODES } from '../envelope/node-context';
import { serving, type ClusterRuntime, type DrillWorld, type NodeRuntime } from './drill-world';
import { counted } from '../../src-shared/count';

/**
 * How a node lives between scenario steps: bulk workload counted against its key cache (a KMS
 * Decrypt whenever the cache must refresh its master key), health checks that prove key access,
 * the policy on losing it (serve from cache, or shut down after N failed checks), recovery when
 * access returns, and canary records written and read back with real cryptography.
 *
 * Cost follows events: a node that is not serving has no workload events at all (its health checks
 * bring it back), and a serving node's next workload event is the moment its cached master key
 * reaches a limit — so a key lives exactly until its first limit (seeds/004: "five million
 * operations or 24 hours, whichever comes first").
 */
export function workloadRate(world: DrillWorld, cluster: ClusterRuntime): number {
  return world.scenario.workload.opsPerSecondPerDatabase * cluster.databases.length;
}

/**
 * Counts the bulk operations since the last accounting. Operations served before the cached master
 * key reached its age limit were the old key's: counted, never charged to the key fetched after it.
 * A cache refresh that KMS refuses stops the node serving.
 */
export async function accountWorkload(world: DrillWorld, cluster: ClusterRuntime, n: NodeRuntime): Promise<void> {
  const now = world.t;
  let from = n.lastAccountedAt;
  n.lastAccountedAt = now;
  if (n.node.status !== 'running' || n.crashed) {
    n.opsCarry = 0;
    n.keyExpiresAt = undefined;
    return;
  }
  const perDatabaseRate = world.scenario.workload.opsPerSecondPerDatabase / 1000;
  if (n.keyExpiresAt !== undefined && n.keyExpiresAt <= now && from < n.keyExpiresAt) {
    const exact = perDatabaseRate * (n.keyExpiresAt - from) + n.opsCarry;
    const before = Math.floor(exact);
    n.opsCarry = exact - before;
    if (!n.servingFailure) world.bulkOperations += before * cluster.databases.length;
    from = n.keyExpiresAt;
  }
  const perDatabaseExact = perDatabaseRate * Math.max(0, now - from) + n.opsCarry;
  const perDatabase = Math.floor(perDatabaseExact);
  n.opsCarry = perDatabaseExact - perDatabase;
  // A node whose last refresh failed serves nothing; it tries the refresh again with one operation.
  const served = n.servingFailure ? 0 : perDatabase;
  const count = n.servingFailure ? 1 : perDatabase;
  if (count <= 0) {
    noteKeyExpiry(world, n);
    return;
  }
  const mark = world.trail.mark;
  try {
    for (const db of cluster.databases) await n.node.countOperations(db, count);
    noteKeyExpiry(world, n);
    world.bulkOperations += served * cluster.databases.length;
    if (n.servingFailure) {
      n.servingFailure = false;
      world.note({ kind: 'event', name: 'node-serving', detail: `${cluster.id}/${n.id} serves again: its key cache refreshed`, outcome: 'ok', cluster: cluster.id, node: n.id, principal: world.principals.service }, mark);
    }
  } catch (err) {
    if (!n.servingFailure) {
      n.servingFailure = true;
      world.note({ kind: 'event', name: 'node-not-serving', detail: `${cluster.id}/${n.id} cannot serve: its cached keys expired and KMS did not give them back (${codeOf(err)})`, outcome: 'failed', cluster: cluster.id, node: n.id, principal: world.principals.service }, mark);
    }
    world.scheduleHealth(n);
  }
  world.refreshUptime(cluster);
}

/**
 * Every node that stopped serving has a timeline entry saying why. Workload, health checks and canaries
 * note what they find; anything else that needs a node's keys — a snapshot, a master-key rotation, a
 * step — may find its cached master key past a cache limit, and when KMS will not give it back the
 * envelope fails the node (a running node fails no other way). Such a node is not serving, as after a
 * failed workload refresh: noted here, after the event that did it (`cause`), with a health check to
 * bring it back — instead of dropping out of service unseen until its next health check.
 */
export function noteNodesStopped(world: DrillWorld, clusters: Iterable<ClusterRuntime>, cause: string): void {
  for (const cluster of clusters) {
    let stopped = false;
    for (const n of cluster.nodes.values()) {
      if (n.node.status === 'running' || n.crashed || n.keyLoss || n.servingFailure) continue;
      accountUntilStopped(world, cluster, n);
      n.servingFailure = true;
      stopped = true;
      const code = n.node.lastFailure?.kmsCode ?? 'Error';
      world.note({ kind: 'event', name: 'node-not-serving', detail: `${cluster.id}/${n.id} cannot serve: its cached master key reached a cache limit and ${cause} could not get it back from KMS (${code})`, outcome: 'failed', cluster: cluster.id, node: n.id, principal: world.principals.service }, world.trail.mark);
      world.scheduleHealth(n);
    }
    if (stopped) world.refreshUptime(cluster);
  }
}

/**
 * Counts what a node served from its last accounting until the event that stopped it at this instant
 * — a snapshot, a rotation or a step that needed its keys, a crash, a restart — which accountWorkload
 * can no longer count: it sees a node that is not running. No KMS call: the node's cache is gone, so
 * there is nothing to refresh. Its operations count up to its cached master key's age limit, as in
 * accountWorkload; any after that would have needed the key fetched again, and the stop is what
 * happened instead. Call it before the stop, or after one that left the node's accounting untouched.
 */
export function accountUntilStopped(world: DrillWorld, cluster: ClusterRuntime, n: NodeRuntime): void {
  const now = world.t;
  const until = n.keyExpiresAt !== undefined && n.keyExpiresAt < now ? n.keyExpiresAt : now;
  const perDatabaseRate = world.scenario.workload.opsPerSecondPerDatabase / 1000;
  const served = Math.floor(perDatabaseRate * Math.max(0, until - n.lastAccountedAt) + n.opsCarry);
  if (!n.servingFailure) world.bulkOperations += served * cluster.databases.length;
  n.lastAccountedAt = now;
  n.opsCarry = 0;
  n.keyExpiresAt = undefined;
}

/** When the master key now cached reaches its age limit: the next accounting splits its stretch there. */
function noteKeyExpiry(world: DrillWorld, n: NodeRuntime): void {
  const budget = n.node.masterKeyBudget();
  n.keyExpiresAt = budget ? world.t + budget.ms : undefined;
}

/**
 * The node's next workload event: the first operation after its cached master key's age limit (which
 * fetches the key again), or the moment its operation budget runs out at the current rate, whichever
 * comes first — one event per refresh. Nothing when the node is not serving or has no workload: it
 * costs no events until that changes.
 */
export function scheduleWorkload(world: DrillWorld, cluster: ClusterRuntime, n: NodeRuntime): void {
  const rate = workloadRate(world, cluster) / 1000; // per ms, all databases
  if (!serving(n) || rate <= 0) return;
  const budget = n.node.masterKeyBudget();
  const perDatabaseRate = world.scenario.workload.opsPerSecondPerDatabase / 1000;
  const firstOperation = Math.max(1, Math.ceil((1 - n.opsCarry) / perDatabaseRate));
  let at: number;
  if (!budget) {
    n.keyExpiresAt = undefined;
    at = world.t + firstOperation;
  } else {
    n.keyExpiresAt = world.t + budget.ms;
    const afterExpiry = n.keyExpiresAt + Math.max(1, Math.ceil(1 / perDatabaseRate));
    const byOps = world.t + Math.max(1, Math.ceil(budget.operations / rate));
    at = Math.min(afterExpiry, byOps);
  }
  if (!Number.isFinite(at) || at >= world.scenario.duration || n.workloadAt === at) return;
  n.workloadAt = at;
  world.queue.schedule(at, { type: 'workload', cluster: cluster.id, node: n.id });
}

export async function healthCheck(world: DrillWorld, cluster: ClusterRuntime, n: NodeRuntime): Promise<void> {
  n.healthScheduled = false;
  if (n.crashed) return;
  await accountWorkload(world, cluster, n);
  const policy = world.scenario.policy;
  const mark = world.trail.mark;
  const changesSeen = n.changes;
  const service = world.principals.service;
  if (n.node.status !== 'running') {
    // A node that lost key access tries to come back at each check (Atlas resumes when access is restored).
    try {
      await n.node.start();
      n.keyLoss = false;
      n.failedChecks = 0;
      n.servingFailure = false;
      n.lastAccountedAt = world.t;
      n.opsCarry = 0;
      n.keyExpiresAt = undefined;
      world.note({ kind: 'event', name: 'node-recovered', detail: `${cluster.id}/${n.id} started again: its master key unwrapped in ${n.node.region}`, outcome: 'ok', cluster: cluster.id, node: n.id, principal: service }, mark);
      scheduleWorkload(world, cluster, n);
    } catch (err) {
      // A node that cannot start goes quiet: it tries again when something that concerns it changes
      // (access restored, the outage over, a reconfiguration) — not every interval for a year. Each
      // try is a failed call the timeline cites, so no failed record of the run goes unexplained.
      n.checkedChanges = changesSeen;
      world.note({ kind: 'event', name: 'node-start-failed', detail: `${cluster.id}/${n.id} could not start again: ${notUnwrapped(err, n.node.region)}`, outcome: 'failed', cluster: cluster.id, node: n.id, principal: service }, mark);
    }
    world.refreshUptime(cluster);
    return;
  }
  const result = await n.node.healthCheck();
  if (result.ok) {
    n.failedChecks = 0;
    // Quiet until something that concerns this node changes again: a repeat check could only give the same answer.
    if (n.checkedChanges !== changesSeen || n.servingFailure) world.scheduleHealth(n);
    n.checkedChanges = changesSeen;
    if (n.servingFailure) {
      await accountWorkload(world, cluster, n);
      scheduleWorkload(world, cluster, n);
    }
    return;
  }
  n.failedChecks++;
  n.checkedChanges = changesSeen;
  const refused = REVOCATION_CODES.has(result.kmsCode ?? '');
  const shutsDown = refused && policy.onKeyAccessLoss.action === 'shut-down';
  if (shutsDown && n.failedChecks >= policy.onKeyAccessLoss.afterFailedChecks) {
    n.node.shutdown('key access lost');
    n.keyLoss = true;
    world.note({ kind: 'event', name: 'node-shut-down', detail: `${cluster.id}/${n.id} shut down after ${counted(n.failedChecks, 'failed health check')}: KMS answered ${result.kmsCode}`, outcome: 'failed', cluster: cluster.id, node: n.id, principal: service }, mark);
  } else {
    // Every failed check is a failed call the timeline cites: on the way to a shut-down one per check;
    // otherwise the node checks again only when something that concerns it changes.
    const after = policy.onKeyAccessLoss.afterFailedChecks;
    const consequence = !refused ? 'KMS unreachable: serving from cache' : !shutsDown ? 'serving from cache' : n.failedChecks === 1 ? `shuts down after ${after}` : `${n.failedChecks} of ${after} before it shuts down`;
    world.note({ kind: 'event', name: 'health-check-failed', detail: `${cluster.id}/${n.id} health check failed${n.failedChecks > 1 ? ' again' : ''} in ${result.region} (${result.kmsCode}); ${consequence}`, outcome: 'failed', cluster: cluster.id, node: n.id, principal: service }, mark);
  }
  // Checking again can only fail the same way until something that concerns the node changes — except
  // on the way to a shut-down, which the policy counts in failed checks.
  if (shutsDown && n.failedChecks < policy.onKeyAccessLoss.afterFailedChecks) world.scheduleHealth(n);
  world.refreshUptime(cluster);
}

/** Writes a canary record per running node and database of the cluster, and reads back the first and the newest. */
export async function canarySweep(world: DrillWorld, cluster: ClusterRuntime): Promise<void> {
  for (const n of cluster.nodes.values()) {
    if (n.node.status !== 'running' || n.crashed) continue;
    await accountWorkload(world, cluster, n);
    const mark = world.trail.mark;
    const wasFailing = n.servingFailure;
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
          if (!isCanaryOf(r.recordId, back)) throw new Error(`canary ${r.recordId} read back different bytes`);
          world.canaryRead++;
        }
      }
      n.servingFailure = false;
      if (wasFailing) scheduleWorkload(world, cluster, n);
    } catch (err) {
      if (!n.servingFailure) {
        n.servingFailure = true;
        world.note({ kind: 'event', name: 'canary-failed', detail: `${cluster.id}/${n.id} could not write or read its canary records (${codeOf(err)})`, outcome: 'failed', cluster: cluster.id, node: n.id, principal: world.principals.service }, mark);
      }
      world.scheduleHealth(n);
    }
  }
  world.refreshUptime(cluster);
}

const canaryText = (recordId: string): string => `keydrill canary ${recordId}`;

export function canaryPlaintext(recordId: string): Buffer {
  return Buffer.from(canaryText(recordId));
}

/** Whether `bytes` are the canary record `recordId` was written with (read as text: no copy of either). */
export function isCanaryOf(recordId: string, bytes: Uint8Array): boolean {
  const expected = canaryText(recordId);
  return bytes.length === Buffer.byteLength(expected) && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8') === expected;
}

/**
 * What went wrong, as a timeline entry puts it in brackets: KMS's error name, or for a failover that
 * could not happen the KMS error that started it and why it went nowhere (FAILOVER_REFUSED is the
 * envelope core's code, not KMS's, and read as one it hid that the key had no replica to go to).
 */
export function codeOf(err: unknown): string {
  if (err instanceof FailoverRefusedError) {
    const cause = err.cause instanceof KmsCallError ? err.cause.code : 'out of reach';
    if (err.reason === 'single-region-key') return `${cause}, and its key has no replica in another Region to fail over to`;
    if (err.reason === 'all-regions-unreachable') return `${cause} in every Region holding its key`;
    return err.message;
  }
  const e = err as { kmsCode?: string; code?: string; name?: string };
  return e.kmsCode ?? e.code ?? e.name ?? 'Error';
}

/**
 * Why a node's master key was not unwrapped, naming the region that refused it: with automatic
 * failover the refusal may come from the replica tried after the node's own region was out of
 * reach, and "not unwrapped in us-east-1 (AccessDeniedException)" would blame a region that never
 * answered, while the record cited is in us-west-2.
 */
export function notUnwrapped(err: unknown, nodeRegion: string): string {
  const region = (err as { region?: unknown }).region;
  const refusedIn = typeof region === 'string' ? region : nodeRegion;
  const tried = refusedIn === nodeRegion ? '' : `, tried as KMS in ${nodeRegion} was out of reach`;
  return `its master key was not unwrapped in ${refusedIn} (${codeOf(err)})${tried}`;
}

export function anyServing(cluster: ClusterRuntime): boolean {
  return [...cluster.nodes.values()].some(serving);
}
