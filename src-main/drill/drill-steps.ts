import {
  CancelKeyDeletionCommand, CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, PutKeyPolicyCommand,
  ReplicateKeyCommand, RevokeGrantCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import type { TimelineStep } from '../../src-shared/scenario';
import { count, counted } from '../../src-shared/count';
import { formatDuration } from '../../src-shared/duration';
import { deletedOnDrillClock, noteStepDeparture, unsupportedNote } from './backend-departures';
import { setKeyCondition } from './hierarchy-frames';
import type { ClusterRuntime, DrillWorld, NodeRuntime } from './drill-world';
import { accountUntilStopped, scheduleWorkload } from './node-behaviour';
import { grantService, keyPolicy, regionsOf, type ProvisionedKey } from './provision';

/**
 * The scenario's faults and operator actions, each done the way it happens for real: KMS calls as
 * the customer's administrator (disable, revoke, schedule deletion, rotate), client-side faults on
 * the path between the service and KMS (outage, latency, throttling), and node lifecycle. A step the
 * backend cannot enforce is played on the client when the scenario allows it, and noted.
 */
const FAULTS = new Set(['kms-region-outage', 'kms-latency', 'kms-throttle', 'key-disable', 'key-policy-revoke', 'grant-revoke', 'key-schedule-deletion', 'zone-outage', 'node-crash', 'node-restart', 'iam-permission-revoke', 'node-address-change']);

export async function runStep(world: DrillWorld, index: number): Promise<void> {
  const step = world.scenario.timeline[index] as TimelineStep;
  const scope = stepScope(world, step);
  const mark = world.trail.mark;
  const kind = FAULTS.has(step.do) ? 'fault' : 'action';
  let outcome: 'ok' | 'failed' | 'simulated' = 'ok';
  let detail: string;
  try {
    const result = await perform(world, step, index);
    detail = result.detail;
    if (result.simulated) outcome = 'simulated';
    else noteStepDeparture(world, step, index);
  } catch (err) {
    outcome = 'failed';
    detail = `${step.do} failed: ${(err as Error).message}`;
  }
  world.note({ kind, name: step.do, detail, step: index, ...(step.id ? { stepId: step.id } : {}), outcome, ...('cluster' in step && step.cluster ? { cluster: step.cluster } : {}), principal: stepPrincipal(world, step) }, mark);
  // A step may change which clusters depend on what (a reconfigured region): affected before or after.
  const affected = new Set([...scope, ...stepScope(world, step)]);
  world.changed(affected);
  for (const cluster of affected) world.refreshUptime(cluster);
  if ('duration' in step && step.duration !== undefined) world.queue.schedule(world.t + step.duration, { type: 'step-end', index });
}

/** The end of a fault with a duration: the outage lifts, the latency goes, the zone comes back. */
export async function endStep(world: DrillWorld, index: number): Promise<void> {
  const step = world.scenario.timeline[index] as TimelineStep;
  const mark = world.trail.mark;
  let detail: string;
  // Another step of the same kind still in force holds what this one held: it stays, as that step says.
  const still = (what: string) => {
    const other = world.faultsInForce.end(what, index);
    return other === undefined ? undefined : world.scenario.timeline[other];
  };
  const holder = (other: TimelineStep) => `${other.id ?? other.do} (from ${formatDuration(other.at)}${'duration' in other && other.duration !== undefined ? ` for ${formatDuration(other.duration)}` : ''})`;
  if (step.do === 'kms-region-outage') {
    const other = still(`outage ${step.region}`);
    if (other?.do === 'kms-region-outage') world.faults.outage(step.region, other.mode);
    else world.faults.restore(step.region);
    detail = other ? `this outage of KMS in ${step.region} ends, but ${step.region} stays unreachable: ${holder(other)} is still in force` : `KMS in ${step.region} reachable again`;
  } else if (step.do === 'kms-latency') {
    const other = still(`latency ${step.region}`);
    world.faults.latency(step.region, other?.do === 'kms-latency' ? { fixedMs: other.ms, jitterMs: other.jitterMs } : undefined);
    detail = other ? `this added latency in ${step.region} ends; ${holder(other)}'s stays` : `added latency in ${step.region} ends`;
  } else if (step.do === 'kms-throttle') {
    const other = still(`throttle ${step.region}`);
    world.faults.throttle(step.region, other?.do === 'kms-throttle' ? other.rate : 0);
    detail = other ? `this throttling in ${step.region} ends; ${holder(other)}'s stays` : `throttling in ${step.region} ends`;
  } else if (step.do === 'zone-outage') {
    const other = still(`zone ${step.zone}`);
    if (other) detail = `this outage of zone ${step.zone} ends, but the zone stays down: ${holder(other)} is still in force`;
    else detail = `zone ${step.zone} back: ${await restartNodes(world, zoneNodes(world, step.zone), 'started again')}`;
  } else return;
  world.note({ kind: 'event', name: `${step.do}-ended`, detail, step: index, ...(step.id ? { stepId: step.id } : {}), outcome: 'ok', principal: stepPrincipal(world, step) }, mark);
  const affected = stepScope(world, step);
  world.changed(affected);
  for (const cluster of affected) world.refreshUptime(cluster);
}

/** The clusters a step can affect: those of its key, its region, its zone, its cluster or node. */
export function stepScope(world: DrillWorld, step: TimelineStep): ClusterRuntime[] {
  if ('key' in step) return world.clustersOfKey(step.key);
  if ('region' in step && step.do !== 'reconfigure-kms-region') return world.clustersInRegion(step.region);
  if ('zone' in step && step.zone !== undefined) return world.clustersInZone(step.zone);
  if ('cluster' in step && step.cluster) return [world.clusters.get(step.cluster)].filter((c): c is ClusterRuntime => c !== undefined);
  if ('node' in step && step.node) return [world.clusters.get(step.node.split('/')[0] ?? '')].filter((c): c is ClusterRuntime => c !== undefined);
  return [...world.clusters.values()];
}

/**
 * Who performs a step: the customer's key administrator for changes to keys, the SaaS operator
 * (its service role) for node operations, KeyDrill's fault injector for what happens to the network
 * and the machines (a regional outage is nobody's KMS call).
 */
export function stepPrincipal(world: DrillWorld, step: TimelineStep): string {
  if ('key' in step) return world.principals.administrator;
  switch (step.do) {
    case 'iam-permission-revoke': case 'iam-permission-restore':
      return `the SaaS vendor's IAM administrator (arn:aws:iam::${world.principals.service.split(':')[4] ?? ''}:root)`;
    case 'node-address-change':
      return 'the SaaS platform (the node\'s network path changed)';
    case 'kms-region-outage': case 'kms-latency': case 'kms-throttle': case 'zone-outage': case 'node-crash':
      return 'KeyDrill fault injector (client side: no KMS call)';
    default:
      return world.principals.service;
  }
}

async function perform(world: DrillWorld, step: TimelineStep, index: number): Promise<{ detail: string; simulated?: boolean }> {
  const admin = (region: string) => world.backend.admin.clientFor(region);
  switch (step.do) {
    case 'kms-region-outage':
      world.faultsInForce.begin(`outage ${step.region}`, index);
      world.faults.outage(step.region, step.mode);
      return { detail: `KMS in ${step.region} unreachable (${step.mode === 'refused' ? 'connections refused' : 'connections time out'})${step.duration ? ` for ${formatDuration(step.duration)}` : ''}` };
    case 'kms-latency':
      world.faultsInForce.begin(`latency ${step.region}`, index);
      world.faults.latency(step.region, { fixedMs: step.ms, jitterMs: step.jitterMs });
      return { detail: `KMS calls to ${step.region} take ${step.ms} ms${step.jitterMs ? ` (+ up to ${step.jitterMs} ms)` : ''} more` };
    case 'kms-throttle':
      world.faultsInForce.begin(`throttle ${step.region}`, index);
      world.faults.throttle(step.region, step.rate);
      return { detail: `${Math.round(step.rate * 100)}% of KMS calls to ${step.region} throttled` };
    case 'key-disable': {
      const key = keyOf(world, step.key);
      for (const r of regionsOf(key)) await admin(r).send(new DisableKeyCommand({ KeyId: key.keyId }));
      setKeyCondition(world, key, { state: 'Disabled' });
      return { detail: `the customer disabled ${key.id} in ${regionsOf(key).join(', ')}` };
    }
    case 'enable-key': {
      const key = keyOf(world, step.key);
      for (const r of regionsOf(key)) await admin(r).send(new EnableKeyCommand({ KeyId: key.keyId }));
      setKeyCondition(world, key, { state: 'Enabled' });
      return { detail: `the customer enabled ${key.id} again` };
    }
    case 'key-policy-revoke':
    case 'grant-revoke': {
      const key = keyOf(world, step.key);
      const note = unsupportedNote(world, step);
      setKeyCondition(world, key, { serviceAccess: false });
      if (note) {
        world.faults.deny(key.keyId);
        world.simulated.push({ step: index, do: step.do, note });
        return { detail: `the service role's access to ${key.id} revoked (simulated on the client)`, simulated: true };
      }
      if (step.do === 'key-policy-revoke') {
        for (const r of regionsOf(key)) await admin(r).send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: keyPolicy(world.backend.account, undefined) }));
        return { detail: `the customer removed the service role from the key policy of ${key.id}` };
      }
      for (const [r, grantId] of key.grants) await admin(r).send(new RevokeGrantCommand({ KeyId: key.keyId, GrantId: grantId }));
      key.grants.clear();
      return { detail: `the customer revoked the service role's grant on ${key.id}` };
    }
    case 'iam-permission-revoke':
    case 'iam-permission-restore': {
      const revoke = step.do === 'iam-permission-revoke';
      if (world.backend.network.enforced) {
        world.backend.network.setVendorIamAccess(!revoke);
        return { detail: revoke ? "the SaaS vendor's IAM policy no longer lets its role use the customer's keys (the key policies still name it)" : "the SaaS vendor's IAM policy lets its role use the customer's keys again" };
      }
      // A backend that does not evaluate IAM across accounts: played on the client, as for a key-policy revocation.
      for (const key of world.keys.values()) {
        if (revoke) world.faults.deny(key.keyId);
        else world.faults.allow(key.keyId);
      }
      world.simulated.push({ step: index, do: step.do, note: unsupportedNote(world, step) ?? '' });
      return { detail: `${revoke ? "the SaaS vendor's IAM permission on the customer's keys revoked" : "the SaaS vendor's IAM permission restored"} (simulated on the client)`, simulated: true };
    }
    case 'node-address-change': {
      const [c, id] = step.node.split('/') as [string, string];
      const n = world.node(c, id);
      const where = [step.sourceIp ? `address ${step.sourceIp}` : '', step.vpcEndpoint ? `VPC endpoint ${step.vpcEndpoint}` : ''].filter(Boolean).join(' and ') || 'no declared address or VPC endpoint';
      if (n.clients) world.backend.network.move(n.clients, { sourceIp: step.sourceIp, sourceVpce: step.vpcEndpoint });
      if (world.backend.network.enforced) return { detail: `${step.node}'s KMS calls now come from ${where}` };
      world.simulated.push({ step: index, do: step.do, note: unsupportedNote(world, step) ?? '' });
      return { detail: `${step.node}'s KMS calls now come from ${where} (its network controls played on the client)`, simulated: true };
    }
    case 'restore-access': {
      const key = keyOf(world, step.key);
      world.faults.allow(key.keyId);
      setKeyCondition(world, key, { serviceAccess: true });
      if (key.serviceAccess === 'grant') {
        for (const r of regionsOf(key)) if (!key.grants.has(r)) key.grants.set(r, await grantService(world.backend, key, r));
      } else {
        for (const r of regionsOf(key)) await admin(r).send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: keyPolicy(world.backend.account, world.backend.servicePrincipal, key.allowFrom) }));
      }
      return { detail: `the customer gave the service role access to ${key.id} again` };
    }
    case 'key-schedule-deletion': {
      const key = keyOf(world, step.key);
      // Replicas first: a primary waits for its replicas.
      let deletion: Date | undefined;
      for (const r of [...key.replicas.map((x) => x.region), key.region]) {
        const out = await admin(r).send(new ScheduleKeyDeletionCommand({ KeyId: key.keyId, PendingWindowInDays: step.pendingWindowDays }));
        deletion ??= out.DeletionDate;
      }
      setKeyCondition(world, key, { state: 'PendingDeletion' });
      // A wall-clock backend's DeletionDate counts from the wall-clock moment, not the drill's.
      const due = world.backend.capabilities.virtualClock ? deletion && deletion.getTime() - world.start : world.t + step.pendingWindowDays * 86_400_000;
      if (due !== undefined) world.queue.schedule(Math.max(world.t + 1, due + 1), { type: 'key-deletion-due', key: key.id, step: index });
      return { detail: `the customer scheduled ${key.id} for deletion in ${step.pendingWindowDays} days` };
    }
    case 'cancel-key-deletion': {
      const key = keyOf(world, step.key);
      if (deletedOnDrillClock(world, key.id)) throw new Error(`NotFoundException: ${key.arn} was deleted when its window ended on the drill's clock (played on the client; ${world.backend.kind} still holds it pending deletion)`);
      for (const r of regionsOf(key)) await admin(r).send(new CancelKeyDeletionCommand({ KeyId: key.keyId }));
      setKeyCondition(world, key, { state: 'Disabled' });
      return { detail: `the customer cancelled the deletion of ${key.id} (the key is disabled until enabled)` };
    }
    case 'zone-outage': {
      world.faultsInForce.begin(`zone ${step.zone}`, index);
      const nodes = zoneNodes(world, step.zone);
      for (const n of nodes) crash(world, n, `zone ${step.zone} outage`);
      return { detail: `zone ${step.zone} down: ${nodeList(nodes)}` };
    }
    case 'node-crash': {
      const [c, id] = step.node.split('/') as [string, string];
      crash(world, world.node(c, id), 'crashed');
      return { detail: `${step.node} crashed` };
    }
    case 'node-restart': {
      const nodes = step.node ? [world.node(...(step.node.split('/') as [string, string]))] : step.zone !== undefined ? zoneNodes(world, step.zone) : [...(world.clusters.get(step.cluster ?? '')?.nodes.values() ?? [])];
      return { detail: `restart of ${nodes.map((n) => `${n.cluster}/${n.id}`).join(', ')}: ${await restartNodes(world, nodes, 'restarted')}` };
    }
    case 'reconfigure-kms-region': {
      const cluster = world.clusters.get(step.cluster);
      if (!cluster) throw new Error(`no cluster ${step.cluster}`);
      await cluster.envelope.switchRegion(step.region);
      const down = [...cluster.nodes.values()].filter((n) => n.node.status !== 'running' && !n.crashed);
      const restarted = down.length ? `; ${await restartNodes(world, down, 'restarted on the new region')}` : '';
      return { detail: `${cluster.id} now calls KMS in ${step.region}${restarted}` };
    }
    case 'rotate-cmk':
      return rotateCmk(world, step);
    case 'rotate-master-keys': {
      const cluster = world.clusters.get(step.cluster);
      if (!cluster) throw new Error(`no cluster ${step.cluster}`);
      const report = await cluster.envelope.rotateMasterKeys();
      world.masterKeyRotations += report.rotated.length;
      cluster.masterKeyRotations += report.rotated.length;
      return { detail: `rolling master-key rotation of ${cluster.id}: ${report.rotated.length} rotated (${report.rotated.reduce((s, r) => s + r.databaseKeysRewrapped, 0)} database keys re-wrapped, no record rewritten), ${report.skipped.length} skipped` };
    }
    case 'take-snapshot':
      return { detail: await takeSnapshot(world, step.cluster) };
    case 'restore-snapshot': {
      const cluster = world.clusters.get(step.cluster);
      if (!cluster) throw new Error(`no cluster ${step.cluster}`);
      const snap = pickSnapshot(cluster.snapshots, step.snapshot);
      if (!snap) throw new Error(`${cluster.id} has no snapshot ${step.snapshot}`);
      const plain = await cluster.envelope.restoreSnapshot(snap.id, snap.records);
      return { detail: `snapshot ${snap.id} of ${cluster.id} restored: ${counted(plain.length, 'record')} read` };
    }
  }
}

async function rotateCmk(world: DrillWorld, step: Extract<TimelineStep, { do: 'rotate-cmk' }>): Promise<{ detail: string }> {
  const key = keyOf(world, step.key);
  const admin = world.backend.admin.clientFor(key.region);
  if (step.mode === 'on-demand') {
    await admin.send(new RotateKeyOnDemandCommand({ KeyId: key.keyId }));
    world.countCmkRotation(key.id);
    for (const c of world.clusters.values()) if (c.key === key) await c.envelope.refreshCmk();
    return { detail: `${key.id} key material rotated on demand (same ARN; old material still decrypts)` };
  }
  const created = await admin.send(new CreateKeyCommand({ Description: `KeyDrill ${world.scenario.name}: replacement for ${key.id}`, MultiRegion: key.multiRegion, Policy: keyPolicy(world.backend.account, world.backend.servicePrincipal) }));
  const arn = created.KeyMetadata?.Arn;
  if (!arn || !created.KeyMetadata?.KeyId) throw new Error('CreateKey returned no key');
  world.backend.created.keys.push({ keyId: created.KeyMetadata.KeyId, region: key.region });
  world.extraKeyArns.add(arn);
  world.countCmkRotation(key.id);
  for (const r of key.replicas) {
    const replica = await admin.send(new ReplicateKeyCommand({ KeyId: created.KeyMetadata.KeyId, ReplicaRegion: r.region, Policy: keyPolicy(world.backend.account, world.backend.servicePrincipal) }));
    world.backend.created.keys.push({ keyId: created.KeyMetadata.KeyId, region: r.region });
    world.extraKeyArns.add(replica.ReplicaKeyMetadata?.Arn ?? arnForRegion(arn, r.region));
  }
  const parts: string[] = [];
  for (const cluster of world.clusters.values()) {
    if (cluster.key !== key) continue;
    if (step.reEncrypt) {
      const report = await cluster.envelope.replaceCmk(arn);
      parts.push(`${cluster.id}: ${counted(report.rewrapped.length, 'master key')} re-encrypted under the new key; ${counted(report.snapshotsNeedingOldKey.length, 'snapshot')} still ${report.snapshotsNeedingOldKey.length === 1 ? 'needs' : 'need'} the old one`);
    } else {
      // The Konnect story: the service is pointed at the new ARN but nothing is re-wrapped, so every
      // wrapped master key now names a key that did not wrap it (IncorrectKeyException on next unwrap).
      for (const n of cluster.nodes.values()) {
        const wrapped = n.node.exportState().masterKey;
        const wrappedUnder = wrapped.wrappedUnder ?? { cmkArn: wrapped.cmkArn, ...(wrapped.keyMaterialId !== undefined ? { keyMaterialId: wrapped.keyMaterialId } : {}) };
        n.node.replaceWrappedMasterKey({ ciphertextBlob: wrapped.ciphertextBlob, cmkArn: arnForRegion(arn, n.node.region), keyMaterialId: undefined, wrappedUnder });
      }
      parts.push(`${cluster.id}: configured with the new ARN without re-wrapping; its master keys are still under the old key`);
    }
  }
  return { detail: `${key.id} replaced by a new key ${arn} — ${parts.join('; ')}` };
}

export async function takeSnapshot(world: DrillWorld, clusterId: string): Promise<string> {
  const cluster = world.clusters.get(clusterId);
  if (!cluster) throw new Error(`no cluster ${clusterId}`);
  const n = [...cluster.nodes.values()].find((x) => x.node.status === 'running' && !x.crashed);
  if (!n) throw new Error(`${clusterId} has no running node to take a snapshot from`);
  const db = cluster.databases[0] as string;
  const records = n.canaries.get(db) ?? [];
  const taken = await cluster.envelope.takeSnapshot(n.id, db, records);
  cluster.snapshots.push({ id: taken.snapshot.id, database: db, takenAt: world.t, records: taken.records });
  const keep = world.scenario.topology.clusters.find((c) => c.id === clusterId)?.snapshots?.keep;
  while (keep !== undefined && cluster.snapshots.length > keep) {
    const old = cluster.snapshots.shift();
    if (old) cluster.envelope.deleteSnapshot(old.id);
  }
  return `snapshot ${taken.snapshot.id} of ${clusterId}/${db} (${records.length} canary records) under ${taken.snapshot.cmkArn} material ${taken.snapshot.keyMaterialId?.slice(0, 12) ?? 'unknown'}`;
}

export function pickSnapshot<T extends { id: string }>(snapshots: readonly T[], which: string): T | undefined {
  if (which === 'latest') return snapshots[snapshots.length - 1];
  if (which === 'oldest') return snapshots[0];
  return snapshots.find((s) => s.id === which);
}

function crash(world: DrillWorld, n: NodeRuntime, reason: string): void {
  accountBeforeStopping(world, n);
  n.crashed = true;
  n.node.shutdown(reason);
}

async function restartNodes(world: DrillWorld, nodes: NodeRuntime[], why: string): Promise<string> {
  const results: string[] = [];
  const failed: string[] = [];
  for (const n of nodes) {
    accountBeforeStopping(world, n);
    n.crashed = false;
    n.healthScheduled = false;
    try {
      await n.node.restart();
      n.keyLoss = false;
      n.servingFailure = false;
      n.failedChecks = 0;
      n.lastAccountedAt = world.t;
      n.opsCarry = 0;
      n.keyExpiresAt = undefined;
      const cluster = world.clusters.get(n.cluster);
      if (cluster) scheduleWorkload(world, cluster, n);
      results.push(`${n.cluster}/${n.id} ${why}`);
    } catch (err) {
      n.keyLoss = true;
      const cannot = `${n.cluster}/${n.id} cannot start (${(err as { kmsCode?: string }).kmsCode ?? (err as Error).name})`;
      results.push(cannot);
      failed.push(cannot);
      world.scheduleHealth(n);
    }
  }
  if (results.length <= 12) return results.join(', ') || 'no nodes';
  // A fleet: the counts, then the nodes that could not start — what an operator acts on — a dozen at most.
  const clusters = new Set(nodes.map((n) => n.cluster)).size;
  const counts = `${count(nodes.length - failed.length)} of ${count(nodes.length)} nodes in ${count(clusters)} clusters ${why}, ${count(failed.length)} cannot start`;
  return failed.length === 0 ? counts : `${counts}: ${failed.slice(0, 12).join(', ')}${failed.length > 12 ? ` and ${count(failed.length - 12)} more` : ''}`;
}

/** A running node about to go down (a crash, a restart) has what it served until now counted: afterwards it is not running, and accountWorkload counts nothing for it. */
function accountBeforeStopping(world: DrillWorld, n: NodeRuntime): void {
  const cluster = world.clusters.get(n.cluster);
  if (cluster && n.node.status === 'running' && !n.crashed) accountUntilStopped(world, cluster, n);
}

/** The nodes a step touched, by name, summarised past a dozen (a fleet's zone holds thousands). */
function nodeList(nodes: readonly NodeRuntime[]): string {
  if (nodes.length === 0) return 'no nodes';
  const names = nodes.slice(0, 12).map((n) => `${n.cluster}/${n.id}`).join(', ');
  return nodes.length > 12 ? `${names} and ${count(nodes.length - 12)} more (${count(nodes.length)} nodes in ${count(new Set(nodes.map((n) => n.cluster)).size)} clusters)` : names;
}

function zoneNodes(world: DrillWorld, zone: string): NodeRuntime[] {
  return [...world.clusters.values()].flatMap((c) => [...c.nodes.values()].filter((n) => n.zone === zone));
}

function keyOf(world: DrillWorld, id: string): ProvisionedKey {
  const key = world.keys.get(id);
  if (!key) throw new Error(`no key ${id}`);
  return key;
}

function arnForRegion(arn: string, region: string): string {
  const parts = arn.split(':');
  parts[3] = region;
  return parts.join(':');
}


