import {
  CreateKeyCommand, DecryptCommand, DisableKeyCommand, EncryptCommand, ListKeyRotationsCommand, PutKeyPolicyCommand,
  ReplicateKeyCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand, UpdatePrimaryRegionCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import type { KmsBackend } from './kms-client-factory';

/**
 * What a KMS backend really enforces, found out by trying it on throwaway keys when KeyDrill
 * connects. A drill step whose effect the backend cannot produce (e.g. key-policy-revoke on a
 * backend that ignores key policies) is then simulated on the client with a note in the report,
 * or refused — the scenario chooses. AWS is not probed: it enforces all of these by definition, and
 * probing would create billable keys.
 */
export interface BackendCapabilities {
  backend: KmsBackend;
  /** Decrypt with a disabled key fails with DisabledException. */
  disabledKeyRefusesDecrypt: boolean;
  /** A key policy that does not name a principal refuses that principal. */
  keyPolicyEnforced: boolean;
  /** After the primary rotates, a replica's new ciphertexts decrypt in the primary's region. */
  replicasFollowRotation: boolean;
  /** {"ab":"c"} and {"a":"bc"} are different encryption contexts. */
  unambiguousEncryptionContext: boolean;
  listKeyRotations: boolean;
  updatePrimaryRegion: boolean;
  /** What each probe saw, for the report and the Settings page. */
  notes: string[];
}

export const AWS_CAPABILITIES: Omit<BackendCapabilities, 'backend' | 'notes'> = {
  disabledKeyRefusesDecrypt: true,
  keyPolicyEnforced: true,
  replicasFollowRotation: true,
  unambiguousEncryptionContext: true,
  listKeyRotations: true,
  updatePrimaryRegion: true,
};

/**
 * What a drill also needs to know: whether KMS-side schedules — a key's deletion at the end of its
 * window, automatic rotation — follow the drill's virtual clock. Not probed: a server on its own
 * clock cannot follow a drill's, and only the embedded KMS a drill starts is given the drill's.
 */
export interface DrillCapabilities extends BackendCapabilities {
  virtualClock: boolean;
}

export function drillCapabilities(caps: BackendCapabilities, sharesDrillClock: boolean): DrillCapabilities {
  const note = 'Key deletion and automatic rotation follow the wall clock, not the drill\'s virtual clock: the drill plays them at their time on its clock and notes each in the run record.';
  return { ...caps, virtualClock: sharesDrillClock, notes: sharesDrillClock ? caps.notes : [...caps.notes, note] };
}

export interface ProbeClients {
  /** The key administrator in the primary and replica regions. */
  admin: (region: string) => KMSClient;
  /** A second principal (the service role), to see whether a key policy can refuse it. */
  other: (region: string) => KMSClient;
  /** The ARN of that second principal as a key policy would name it. */
  otherPrincipalArn: string;
  account: string;
  regions: [string, string];
}

export async function probeCapabilities(backend: KmsBackend, clients: ProbeClients): Promise<BackendCapabilities> {
  if (backend === 'aws') return { backend, ...AWS_CAPABILITIES, notes: ['AWS KMS enforces key state, key policies, grants and multi-Region key sync; not probed.'] };
  const [primary, replica] = clients.regions;
  const admin = clients.admin(primary);
  const notes: string[] = [];
  const created: { client: KMSClient; keyId: string }[] = [];
  const newKey = async (multiRegion = false): Promise<string> => {
    const key = await admin.send(new CreateKeyCommand({ Description: 'keydrill capability probe (scheduled for deletion)', MultiRegion: multiRegion }));
    const keyId = key.KeyMetadata?.KeyId;
    if (!keyId) throw new Error('CreateKey returned no KeyId');
    created.push({ client: admin, keyId });
    return keyId;
  };
  const attempt = async (what: string, run: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> => {
    try {
      await run();
      return { ok: true };
    } catch (err) {
      const error = (err as Error).name;
      notes.push(`${what}: ${error}`);
      return { ok: false, error };
    }
  };
  try {
    // Key state: a disabled key must refuse Decrypt.
    const stateKey = await newKey();
    const blob = (await admin.send(new EncryptCommand({ KeyId: stateKey, Plaintext: Buffer.from('probe') }))).CiphertextBlob;
    await admin.send(new DisableKeyCommand({ KeyId: stateKey }));
    const disabled = await attempt('Decrypt with a disabled key', () => admin.send(new DecryptCommand({ CiphertextBlob: blob })));
    const disabledKeyRefusesDecrypt = !disabled.ok && disabled.error === 'DisabledException';

    // Key policy: a policy naming only the account root must refuse a role the account's IAM does not allow.
    const policyKey = await newKey();
    const rootOnly = { Version: '2012-10-17', Statement: [{ Sid: 'RootOnly', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${clients.account}:root` }, Action: 'kms:*', Resource: '*' }] };
    const put = await attempt('PutKeyPolicy', () => admin.send(new PutKeyPolicyCommand({ KeyId: policyKey, PolicyName: 'default', Policy: JSON.stringify(rootOnly) })));
    const other = !put.ok ? put : await attempt('Encrypt by a principal the key policy does not name', () => clients.other(primary).send(new EncryptCommand({ KeyId: policyKey, Plaintext: Buffer.from('probe') })));
    const keyPolicyEnforced = put.ok && !other.ok && other.error === 'AccessDeniedException';

    // Encryption context encoding.
    const ctxBlob = (await admin.send(new EncryptCommand({ KeyId: policyKey, Plaintext: Buffer.from('probe'), EncryptionContext: { ab: 'c' } }))).CiphertextBlob;
    const ambiguous = await attempt('Decrypt with {"a":"bc"} of a ciphertext made with {"ab":"c"}', () => admin.send(new DecryptCommand({ CiphertextBlob: ctxBlob, EncryptionContext: { a: 'bc' } })));
    const unambiguousEncryptionContext = !ambiguous.ok;

    // Multi-Region keys: rotation must reach the replica; ListKeyRotations and UpdatePrimaryRegion must exist.
    const mrk = await newKey(true);
    await admin.send(new ReplicateKeyCommand({ KeyId: mrk, ReplicaRegion: replica }));
    created.push({ client: clients.admin(replica), keyId: mrk });
    await admin.send(new RotateKeyOnDemandCommand({ KeyId: mrk }));
    const replicaBlob = (await clients.admin(replica).send(new EncryptCommand({ KeyId: mrk, Plaintext: Buffer.from('probe') }))).CiphertextBlob;
    const primaryBlob = (await admin.send(new EncryptCommand({ KeyId: mrk, Plaintext: Buffer.from('probe') }))).CiphertextBlob;
    // Both directions: a replica left on the old material still decrypts old-material ciphertexts.
    const toPrimary = await attempt('Decrypt in the primary region of a replica ciphertext made after rotation', () => admin.send(new DecryptCommand({ CiphertextBlob: replicaBlob })));
    const toReplica = await attempt('Decrypt in the replica region of a primary ciphertext made after rotation', () => clients.admin(replica).send(new DecryptCommand({ CiphertextBlob: primaryBlob })));
    const follow = { ok: toPrimary.ok && toReplica.ok };
    const rotations = await attempt('ListKeyRotations', () => admin.send(new ListKeyRotationsCommand({ KeyId: mrk })));
    const update = await attempt('UpdatePrimaryRegion', () => admin.send(new UpdatePrimaryRegionCommand({ KeyId: mrk, PrimaryRegion: replica })));
    return {
      backend,
      disabledKeyRefusesDecrypt,
      keyPolicyEnforced,
      replicasFollowRotation: follow.ok,
      unambiguousEncryptionContext,
      listKeyRotations: rotations.ok,
      updatePrimaryRegion: update.ok,
      notes,
    };
  } finally {
    // Order does not matter: a multi-Region primary scheduled before its replicas waits for them.
    for (const { client, keyId } of created) {
      await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 })).catch(() => undefined);
    }
  }
}
