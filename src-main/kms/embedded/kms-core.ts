import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../common/clock';
import { randomIds, type IdSource } from '../../common/id-source';
import { AccessControl } from './access';
import type { EncryptionContext } from './encryption-context';
import { KmsError } from './errors';
import type { Identity } from './identities';
import type { KmsStore } from './kms-store';
import { currentMaterial, nextRotationAt, type KeyFamily, type KeyRecord, type MaterialVersion } from './model';

/** The caller of one request, as established by its signature. */
export interface CallContext {
  readonly caller: Identity;
  readonly region: string;
}

const MS_PER_DAY = 86_400_000;
const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const KEY_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const ALIAS_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;

/**
 * State and the rules every operation shares: resolving a KeyId, authorizing, checking key state,
 * and letting time act (automatic rotation, deletion when the waiting period ends). Operations in
 * ./operations are thin functions over this.
 */
/**
 * What KMS does on its own and writes to CloudTrail as an `AwsServiceEvent` (ct-rotatekey,
 * ct-delete-key): a key's material rotated (automatically, or after RotateKeyOnDemand), a key
 * deleted when its waiting period ended.
 */
export interface KmsServiceEvent {
  name: 'RotateKey' | 'DeleteKey';
  /** When it happened (epoch ms on the KMS's clock): a rotation's or deletion's own date. */
  at: number;
  region: string;
  account: string;
  keyId: string;
  arn: string;
  rotationType?: 'AUTOMATIC' | 'ON_DEMAND' | undefined;
  /** A rotation's material before and after: CloudTrail names both (ct-rotatekey, eventVersion 1.11). */
  previousKeyMaterialId?: string | undefined;
  currentKeyMaterialId?: string | undefined;
}

const NO_SERVICE_EVENTS: readonly KmsServiceEvent[] = Object.freeze([]);

export class KmsCore {
  readonly access = new AccessControl();
  /**
   * Whether an IAM principal a key policy names exists. The server that knows its identities
   * answers for the accounts they are in; of any other account nothing is known, so all pass.
   */
  principalExists: (arn: string) => boolean = () => true;
  /**
   * No rotation or deletion is due before this time (-Infinity: look at every key). A change to a key
   * can only bring its own dates nearer, so the store tells us of each and this takes the nearer one:
   * a fleet's thousands of CreateKeys do not each cost a look at every key.
   */
  private dueAt = -Infinity;
  /** Service events of the work in progress: taken (and written) once it has succeeded, dropped if it failed. */
  private serviceEvents: KmsServiceEvent[] = [];

  constructor(readonly store: KmsStore, readonly clock: Clock, readonly ids: IdSource = randomIds) {
    store.onKeyChange = (keyId) => {
      if (this.dueAt !== -Infinity) this.dueAt = Math.min(this.dueAt, this.dueOf(keyId));
    };
  }

  now(): number {
    return this.clock.now();
  }

  arn(region: string, account: string, keyId: string): string {
    return `arn:aws:kms:${region}:${account}:key/${keyId}`;
  }

  // --- KeyId resolution -----------------------------------------------------------------------

  /**
   * Finds the key a KeyId names in the caller's region: a key id, key ARN, or (where the
   * operation allows) an alias name or alias ARN.
   */
  resolveKey(call: CallContext, ref: string, opts: { allowAlias: boolean }): KeyRecord {
    // A bare key id or alias name means the caller's own account; a key or alias ARN may name
    // another account's key, which is how a caller reaches a key across accounts (as in AWS).
    let account = call.caller.account;
    let keyId = ref;
    const keyArn = KEY_ARN.exec(ref);
    const aliasArn = ALIAS_ARN.exec(ref);
    if (keyArn) {
      if (keyArn[1] !== call.region) throw new KmsError('NotFoundException', `Invalid arn ${keyArn[1]}`);
      account = keyArn[2] as string;
      keyId = keyArn[3] as string;
    } else if (aliasArn || ref.startsWith('alias/')) {
      if (!opts.allowAlias) throw new KmsError('NotFoundException', `Invalid keyId '${ref}'`);
      const name = aliasArn ? (aliasArn[3] as string) : ref;
      if (aliasArn && aliasArn[1] !== call.region) throw new KmsError('NotFoundException', `Invalid arn ${aliasArn[1]}`);
      if (aliasArn) account = aliasArn[2] as string;
      const alias = this.store.getAlias(call.region, name);
      const target = alias && this.store.getKey(call.region, alias.targetKeyId);
      if (!alias || target?.account !== account) throw new KmsError('NotFoundException', `Alias arn:aws:kms:${call.region}:${account}:${name} is not found.`);
      keyId = alias.targetKeyId;
    }
    if (!KEY_ID.test(keyId)) throw new KmsError('NotFoundException', `Invalid keyId '${ref}'`);
    const key = this.store.getKey(call.region, keyId);
    if (!key || key.account !== account) throw new KmsError('NotFoundException', `Key '${this.arn(call.region, account, keyId)}' does not exist`);
    return key;
  }

  family(key: KeyRecord): KeyFamily {
    const family = this.store.getFamily(key.keyId);
    if (!family) throw new KmsError('KMSInternalException', `Key ${key.arn} has no key material record`);
    return family;
  }

  // --- access and state -------------------------------------------------------------------------

  authorize(call: CallContext, action: string, key: KeyRecord | undefined, encryptionContext?: EncryptionContext): void {
    this.access.authorize({
      caller: call.caller,
      action,
      key,
      encryptionContext,
      grants: key ? this.store.grantsFor(key.region, key.keyId) : undefined,
    });
  }

  /** Cryptographic operations need an enabled key. */
  requireUsable(key: KeyRecord): void {
    if (key.state === 'Enabled') return;
    if (key.state === 'Disabled') throw new KmsError('DisabledException', `${key.arn} is disabled.`);
    throw this.invalidState(key);
  }

  /** Management operations refuse keys that are on their way out. */
  requireNotPendingDeletion(key: KeyRecord): void {
    if (key.state === 'PendingDeletion' || key.state === 'PendingReplicaDeletion') throw this.invalidState(key);
  }

  invalidState(key: KeyRecord): KmsError {
    const what = key.state === 'PendingDeletion' ? 'pending deletion' : key.state === 'PendingReplicaDeletion' ? 'pending replica deletion' : key.state.toLowerCase();
    return new KmsError('KMSInvalidStateException', `${key.arn} is ${what}.`);
  }

  isReplica(key: KeyRecord): boolean {
    return key.multiRegion && this.family(key).primaryRegion !== key.region;
  }

  // --- material ---------------------------------------------------------------------------------

  newMaterial(keyId: string, rotationType: MaterialVersion['rotationType']): MaterialVersion {
    const bytes = randomBytes(32);
    // The id is a digest of fresh randomness and the key id: unique, and it reveals nothing of the material.
    const id = createHash('sha256').update(keyId).update(this.ids.bytes(32)).digest('hex');
    return Object.freeze({ id, createdAt: this.now(), rotationType, bytes });
  }

  rotate(family: KeyFamily, rotationType: 'AUTOMATIC' | 'ON_DEMAND', at: number): KeyFamily {
    const material = { ...this.newMaterial(family.keyId, rotationType), createdAt: at };
    this.dueAt = -Infinity;
    // CloudTrail's RotateKey is written in the primary's region (a replica shares its material).
    const primary = this.store.getKey(family.primaryRegion, family.keyId);
    if (primary) {
      this.serviceEvents.push({
        name: 'RotateKey', at, region: primary.region, account: primary.account, keyId: primary.keyId, arn: primary.arn, rotationType,
        previousKeyMaterialId: family.materials.at(-1)?.id, currentKeyMaterialId: material.id,
      });
    }
    return {
      ...family,
      materials: [...family.materials, material],
      onDemandRotations: family.onDemandRotations + (rotationType === 'ON_DEMAND' ? 1 : 0),
      rotationAnchor: rotationType === 'AUTOMATIC' ? at : family.rotationAnchor,
    };
  }

  current(key: KeyRecord): MaterialVersion {
    return currentMaterial(this.family(key));
  }

  // --- time ---------------------------------------------------------------------------------------

  /** The service events of the work done since the last call, oldest first: it succeeded, so they happened. */
  takeServiceEvents(): readonly KmsServiceEvent[] {
    // Asked on every request and before every drill event; almost always there are none.
    if (this.serviceEvents.length === 0) return NO_SERVICE_EVENTS;
    const taken = this.serviceEvents;
    this.serviceEvents = [];
    return taken;
  }

  /** The work failed and its changes were rolled back: its service events did not happen. */
  dropServiceEvents(): void {
    if (this.serviceEvents.length > 0) this.serviceEvents = [];
  }

  /**
   * Lets time act before a request is served: rotations whose date has passed happen (at their own
   * dates, several if the clock jumped several periods) and keys whose waiting period has ended are
   * deleted. Costs one comparison when nothing is due.
   */
  processDue(): void {
    const now = this.now();
    if (now < this.dueAt) return;
    this.store.atomically(() => {
      for (const family of this.store.allFamilies()) this.rotateIfDue(family, now);
      // Deleting a last replica can make its primary due too (its window starts at the replica's
      // deletion date), so look again until nothing more is due, earliest date first.
      const isDue = (k: KeyRecord): boolean => k.state === 'PendingDeletion' && k.deletionDate !== undefined && k.deletionDate <= now;
      for (let due = this.store.allKeys().filter(isDue); due.length > 0; due = this.store.allKeys().filter(isDue)) {
        due.sort((a, b) => (a.deletionDate ?? 0) - (b.deletionDate ?? 0)).forEach((key) => this.deleteNow(key));
      }
    });
    this.dueAt = this.nextDue();
  }

  private rotateIfDue(family: KeyFamily, now: number): void {
    const primary = this.store.getKey(family.primaryRegion, family.keyId);
    // AWS does not rotate a disabled key; when it is enabled again an overdue rotation happens at once.
    if (!primary || primary.state !== 'Enabled') return;
    let next = nextRotationAt(family);
    let updated = family;
    while (next !== undefined && next <= now) {
      updated = this.rotate(updated, 'AUTOMATIC', next);
      next = nextRotationAt(updated);
    }
    if (updated !== family) this.store.putFamily(updated);
  }

  /** Enabling a key whose rotation date passed while it was disabled rotates it now. */
  catchUpRotation(key: KeyRecord): void {
    const family = this.family(key);
    const next = nextRotationAt(family);
    if (next !== undefined && next <= this.now()) this.store.putFamily({ ...this.rotate(family, 'AUTOMATIC', this.now()) });
  }

  /** Removes a key for good at the end of its waiting period; a family's material goes with its last key. */
  deleteNow(key: KeyRecord): void {
    this.store.deleteKey(key.region, key.keyId);
    this.serviceEvents.push({ name: 'DeleteKey', at: Math.min(key.deletionDate ?? this.now(), this.now()), region: key.region, account: key.account, keyId: key.keyId, arn: key.arn });
    for (const alias of this.store.aliasesIn(key.region)) if (alias.targetKeyId === key.keyId) this.store.deleteAlias(key.region, alias.name);
    for (const grant of this.store.grantsFor(key.region, key.keyId)) this.store.deleteGrant(grant.grantId);
    const rest = this.store.keysWithId(key.keyId);
    if (rest.length === 0) {
      this.store.deleteFamily(key.keyId);
      return;
    }
    // A primary waiting for its replicas starts its own waiting period when the last one is gone.
    const family = this.family(key);
    const primary = rest.find((k) => k.region === family.primaryRegion);
    if (primary?.state === 'PendingReplicaDeletion' && rest.length === 1) {
      const days = primary.pendingWindowDays ?? 30;
      // The window starts when the replica was deleted (its deletion date), not when a later request noticed.
      const deletedAt = Math.min(key.deletionDate ?? this.now(), this.now());
      this.store.putKey({ ...primary, state: 'PendingDeletion', deletionDate: deletedAt + days * MS_PER_DAY });
    }
    this.dueAt = -Infinity;
  }

  private nextDue(): number {
    let due = Infinity;
    for (const family of this.store.allFamilies()) due = Math.min(due, this.rotationDue(family));
    for (const key of this.store.allKeys()) due = Math.min(due, deletionDue(key));
    return due;
  }

  /** The nearer of the rotation and deletions scheduled for one key id (its primary and replicas). */
  private dueOf(keyId: string): number {
    const family = this.store.getFamily(keyId);
    let due = family ? this.rotationDue(family) : Infinity;
    for (const key of this.store.keysWithId(keyId)) due = Math.min(due, deletionDue(key));
    return due;
  }

  private rotationDue(family: KeyFamily): number {
    // A disabled key's overdue rotation waits for EnableKey (which calls catchUpRotation).
    return this.store.getKey(family.primaryRegion, family.keyId)?.state === 'Enabled' ? (nextRotationAt(family) ?? Infinity) : Infinity;
  }
}

function deletionDue(key: KeyRecord): number {
  return key.state === 'PendingDeletion' && key.deletionDate !== undefined ? key.deletionDate : Infinity;
}
