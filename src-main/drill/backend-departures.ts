import { DescribeKeyCommand, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import type { TimelineStep } from '../../src-shared/scenario';
import { formatDuration } from '../../src-shared/duration';
import type { DrillCapabilities } from '../kms/backend-capabilities';
import type { DrillWorld } from './drill-world';
import { setKeyCondition } from './hierarchy-frames';
import { rotationPeriodDays } from './provision';

/**
 * What a drill does where the backend lacks a capability it depends on (docs/backends.md): a step
 * the backend cannot enforce, and the KMS-side events a drill expects on its virtual clock — a key
 * deleted at the end of its window, an automatic rotation — which LocalStack and AWS schedule on
 * the wall clock. Each is simulated or played as is, and the run record says so.
 */
type Capability = keyof Omit<DrillCapabilities, 'backend' | 'notes'>;

export interface Unsupported {
  capability: Capability;
  note: string;
  /** Played on the client instead of by the backend (run record `backend.simulated`). */
  simulated: boolean;
}

const DAY = 86_400_000;

export function unsupportedStep(world: DrillWorld, step: TimelineStep): Unsupported | undefined {
  const caps = world.backend.capabilities;
  const kind = world.backend.kind;
  if ((step.do === 'key-policy-revoke' || step.do === 'grant-revoke') && !caps.keyPolicyEnforced) {
    return {
      capability: 'keyPolicyEnforced',
      simulated: true,
      note: `${kind} does not enforce key policies or grants: the revocation is simulated on the client (the service role's calls naming this key are refused with AccessDeniedException before they leave KeyDrill).`,
    };
  }
  if ((step.do === 'iam-permission-revoke' || step.do === 'iam-permission-restore') && !world.backend.network.enforced) {
    return {
      capability: 'keyPolicyEnforced',
      simulated: true,
      note: `${kind} does not evaluate the SaaS vendor's IAM policy across accounts: the ${step.do === 'iam-permission-revoke' ? 'revocation' : 'restoration'} is played on the client (the service role's calls naming the customer's keys are ${step.do === 'iam-permission-revoke' ? 'refused with AccessDeniedException before they leave KeyDrill' : 'let through again'}).`,
    };
  }
  if (step.do === 'node-address-change' && !world.backend.network.enforced) {
    return {
      capability: 'keyPolicyEnforced',
      simulated: true,
      note: `${kind} does not evaluate aws:SourceIp or aws:SourceVpce (and a drill cannot move a real node): ${step.node}'s new path is played on the client — its calls are refused with AccessDeniedException before they leave KeyDrill where the key's network controls would refuse them.`,
    };
  }
  if (step.do === 'key-schedule-deletion' && !caps.virtualClock && step.at + step.pendingWindowDays * DAY <= world.scenario.duration) {
    return {
      capability: 'virtualClock',
      simulated: false,
      note: `${kind} keeps wall-clock time, so it does not delete ${step.key} when its ${step.pendingWindowDays}-day window ends on the drill's clock (at ${formatDuration(step.at + step.pendingWindowDays * DAY)}): the drill plays the deletion itself — from then on the service role's calls naming the key are refused on the client with NotFoundException, as AWS KMS answers for a deleted key — while ${kind} still holds the key pending deletion.`,
    };
  }
  if (step.do === 'rotate-cmk' && step.mode === 'on-demand' && !caps.replicasFollowRotation && (world.keys.get(step.key)?.replicas.length ?? 0) > 0) {
    return {
      capability: 'replicasFollowRotation',
      simulated: false,
      note: `${kind}'s multi-Region replicas do not follow a rotation of the primary: played on ${kind} as is, ${step.key}'s replicas keep the old key material, so what the primary encrypts after the rotation does not decrypt in replica regions (on AWS KMS it does).`,
    };
  }
  return undefined;
}

/** Steps whose effect the backend may not enforce, and the capability that decides it. */
export function unsupportedNote(world: DrillWorld, step: TimelineStep): string | undefined {
  return unsupportedStep(world, step)?.note;
}

/** The scenario's policy needs an automatic rotation within the drill, which a wall-clock backend will not perform. */
export function unsupportedPolicyNote(world: DrillWorld): string | undefined {
  const { scenario, backend } = world;
  if (!scenario.policy.cmkRotation.automatic || backend.capabilities.virtualClock || rotationPeriodDays(scenario) * DAY >= scenario.duration) return undefined;
  return `${backend.kind} keeps wall-clock time and will not rotate keys automatically within the drill: the drill rotates them on demand when their ${rotationPeriodDays(scenario)}-day period ends on its clock.`;
}

/** Records a step played with a known departure (not simulated): the run record's `backend.departures`. */
export function noteStepDeparture(world: DrillWorld, step: TimelineStep, index: number): void {
  const u = unsupportedStep(world, step);
  if (!u || u.simulated || u.capability === 'virtualClock') return;
  world.departures.push({ at: world.t, name: step.do, capability: u.capability, ...('key' in step ? { key: step.key } : {}), step: index, note: u.note });
}

/** When a wall-clock backend's key is next due for automatic rotation, by the drill's clock. */
export function nextRotationOnDrillClock(world: DrillWorld): number {
  return world.t + rotationPeriodDays(world.scenario) * DAY;
}

/** The key was deleted by the drill at the end of its window (see keyDeletionDue). */
export function deletedOnDrillClock(world: DrillWorld, keyId: string): boolean {
  return world.departures.some((d) => d.name === 'key-deleted' && d.key === keyId);
}

/** A key's deletion window ended on the drill's clock: KMS deletes it, or the drill plays the deletion. */
export async function keyDeletionDue(world: DrillWorld, keyId: string, step: number): Promise<void> {
  const key = world.keys.get(keyId);
  if (!key) return;
  const mark = world.trail.mark;
  const kind = world.backend.kind;
  if (world.backend.capabilities.virtualClock) {
    // A deletion cancelled in the meantime does not happen (KMS, on the drill's clock, kept the key).
    if (world.keyConditions.get(keyId)?.state !== 'PendingDeletion') return;
    setKeyCondition(world, key, { state: 'Deleted' });
    // Cites KMS's own DeleteKey record, written as the waiting period ended (just before this event).
    const deleted = world.trail.takeKmsEvent('DeleteKey', key.keyId) ?? { from: mark, until: mark };
    world.note({ kind: 'event', name: 'key-deleted', detail: `${keyId}'s waiting period ended: KMS deleted it, and everything only it can decrypt is lost`, outcome: 'failed', principal: 'kms.amazonaws.com' }, deleted.from, deleted.until);
  } else {
    // A deletion cancelled in the meantime does not happen.
    const state = await world.backend.admin.clientFor(key.region).send(new DescribeKeyCommand({ KeyId: key.keyId })).then((o) => o.KeyMetadata?.KeyState, () => undefined);
    if (state !== 'PendingDeletion') return;
    world.faults.markDeleted(key.keyId);
    setKeyCondition(world, key, { state: 'Deleted' });
    const note = unsupportedStep(world, world.scenario.timeline[step] as TimelineStep)?.note ?? `${kind} keeps wall-clock time: the drill played ${keyId}'s deletion at the end of its window.`;
    world.departures.push({ at: world.t, name: 'key-deleted', capability: 'virtualClock', key: keyId, step, note });
    world.note({ kind: 'event', name: 'key-deleted', detail: `${keyId}'s waiting period ended on the drill's clock: deleted (played on the client; ${kind} still holds it pending deletion), and everything only it can decrypt is lost`, outcome: 'simulated', principal: 'kms.amazonaws.com (played by KeyDrill on the client)' }, mark);
  }
  world.changed(world.clustersOfKey(keyId));
}

/**
 * A key's automatic rotation came due on the drill's clock. The embedded KMS has rotated it
 * already ('kms'); on a wall-clock backend the drill rotates it on demand ('simulated'), unless the
 * key is deleted, disabled or pending deletion, which KMS does not rotate either ('not-rotated').
 */
export async function rotationDue(world: DrillWorld, keyId: string): Promise<'kms' | 'simulated' | 'not-rotated'> {
  if (world.backend.capabilities.virtualClock) return 'kms';
  const key = world.keys.get(keyId);
  if (!key || deletedOnDrillClock(world, keyId)) return 'not-rotated';
  const rotated = await world.backend.admin.clientFor(key.region).send(new RotateKeyOnDemandCommand({ KeyId: key.keyId })).then(() => true, () => false);
  if (!rotated) return 'not-rotated';
  const kind = world.backend.kind;
  const replicas = key.replicas.length && !world.backend.capabilities.replicasFollowRotation ? ` ${kind}'s replicas do not follow it: they keep the old key material.` : '';
  world.departures.push({
    at: world.t,
    name: 'cmk-rotated',
    capability: 'virtualClock',
    key: keyId,
    note: `${kind} keeps wall-clock time, so ${keyId} was not due for automatic rotation there; the drill rotated it on demand (RotateKeyOnDemand) when its ${rotationPeriodDays(world.scenario)}-day period ended on the drill's clock.${replicas}`,
  });
  return 'simulated';
}
