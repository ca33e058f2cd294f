import { randomIds, type IdSource } from '../../common/id-source';
import { renewedCredentials, sessionTokenFor, uniqueIdOf, type Identity } from './identities';
import { normalisePrincipalArn } from './policy/evaluate';

/**
 * Every credential the embedded KMS accepts, and the administrator's levers over them:
 *
 * - the named identities (admin, service, vendor), whose IAM policies can be changed
 *   (`setIamPolicy`: what a drill's `iam-permission-revoke` calls), the change reaching every
 *   session of that identity at once, as an IAM policy on a role reaches all its sessions;
 * - sessions of a role (`startSession`), as STS AssumeRole hands one to each node of a fleet: own
 *   temporary credentials and session name, the role's permissions, and the network path its
 *   requests take — a source address (`aws:SourceIp`) or a VPC endpoint (`aws:SourceVpce`). The
 *   embedded KMS listens on loopback only, so it cannot see a node's real address: the session
 *   declares it, and `setSessionNetwork` moves it (a node whose address changed). This is a
 *   simulation of the network path, documented as such in docs/backends.md. A session is renewed
 *   (`renewSession`) as an SDK refreshes assumed-role credentials: new credentials, same session
 *   name, network path and role;
 * - aliases of an identity under other credentials (LocalStack's test/test for the admin).
 */
export interface SessionNetwork {
  sourceIp?: string | undefined;
  sourceVpce?: string | undefined;
}

interface Derived extends SessionNetwork {
  base: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  callerArn: string | undefined;
  /** The role's unique id (see Identity.uniqueId), for sessions; undefined for aliases. */
  uniqueId?: string | undefined;
}

export class IdentityRegistry {
  private named: Identity[];
  private readonly derived = new Map<string, Derived>();
  private readonly resolved = new Map<string, Identity>();

  constructor(identities: readonly Identity[], private readonly ids: IdSource = randomIds, private readonly persist: (identities: readonly Identity[]) => void = () => undefined) {
    this.named = [...identities];
  }

  /** The named identities (not sessions or aliases), as `kms serve` prints them. */
  get identities(): readonly Identity[] {
    return this.named;
  }

  identity(name: string): Identity {
    const id = this.named.find((i) => i.name === name);
    if (!id) throw new Error(`No identity named ${name}; known: ${this.named.map((i) => i.name).join(', ')}`);
    return id;
  }

  /**
   * Whether `arn` (a key policy's AWS principal) names an IAM principal that exists: an account's
   * root, or a named identity's user or role (an assumed-role session: its role). An account none
   * of the named identities is in is not modelled here, so its principals are taken on trust.
   */
  principalExists(arn: string): boolean {
    const account = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
    if (account === undefined || !this.named.some((i) => i.account === account)) return true;
    if (arn.endsWith(`:iam::${account}:root`)) return true;
    const principal = normalisePrincipalArn(arn);
    return this.named.some((i) => i.principalArn === principal);
  }

  /** Who signs with this access key, with the current IAM policy of its role; undefined if nobody. */
  byAccessKey(accessKeyId: string): Identity | undefined {
    const cached = this.resolved.get(accessKeyId);
    if (cached) return cached;
    const named = this.named.find((i) => i.accessKeyId === accessKeyId);
    const derived = this.derived.get(accessKeyId);
    const identity = named ?? (derived ? this.materialise(derived) : undefined);
    if (identity) this.resolved.set(accessKeyId, identity);
    return identity;
  }

  /** Replaces a named identity's IAM policy (undefined: none); kept in the data folder if there is one. */
  setIamPolicy(name: string, policy: string | undefined): void {
    const current = this.identity(name);
    this.named = this.named.map((i) => (i === current ? { ...i, iamPolicy: policy } : i));
    this.resolved.clear();
    this.persist(this.named);
  }

  /** Other credentials for a named identity, with the same ARN and permissions (not listed, not persisted). */
  addAlias(name: string, accessKeyId: string, secretAccessKey: string): void {
    this.identity(name);
    this.derived.set(accessKeyId, { base: name, accessKeyId, secretAccessKey, sessionToken: undefined, callerArn: undefined });
    this.resolved.delete(accessKeyId);
  }

  /** A new session of a role: its own temporary credentials, named `sessionName` in its ARN, on the given network path. */
  startSession(name: string, sessionName: string, network: SessionNetwork = {}): Identity {
    const role = this.identity(name);
    if (role.type !== 'AssumedRole') throw new Error(`${name} is not a role: only roles have sessions`);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw new Error(`A role session name is 2 to 64 of letters, digits and +=,.@_-; got '${sessionName}'`);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const accessKeyId = `ASIA${[...this.ids.bytes(16)].map((b) => alphabet[b % 32]).join('')}`;
    const secretAccessKey = this.ids.bytes(30).toString('base64');
    const roleName = role.principalArn.slice(role.principalArn.lastIndexOf('/') + 1);
    this.derived.set(accessKeyId, {
      base: name,
      accessKeyId,
      secretAccessKey,
      sessionToken: sessionTokenFor(secretAccessKey),
      callerArn: `arn:aws:sts::${role.account}:assumed-role/${roleName}/${sessionName}`,
      uniqueId: uniqueIdOf(role),
      ...network,
    });
    return this.byAccessKey(accessKeyId) as Identity;
  }

  /**
   * The session that follows the role session signing with `accessKeyId` (a named role's own
   * credentials, or a session of one), created at `createdAt`: new temporary credentials derived
   * from the current ones (identities.ts renewedCredentials), the same role, session name and
   * network path. The current session stays valid until ended, as AWS's stay until they expire.
   */
  renewSession(accessKeyId: string, createdAt: number): Identity {
    const current = this.byAccessKey(accessKeyId);
    if (current?.type !== 'AssumedRole') throw new Error(`No role session with access key ${accessKeyId}`);
    const base = this.named.find((i) => i.accessKeyId === accessKeyId)?.name ?? this.derived.get(accessKeyId)?.base;
    if (base === undefined) throw new Error(`No role session with access key ${accessKeyId}`);
    const next = renewedCredentials(current, createdAt);
    this.derived.set(next.accessKeyId, {
      base,
      ...next,
      callerArn: current.callerArn,
      uniqueId: uniqueIdOf(current),
      ...(current.sourceIp !== undefined || current.sourceVpce !== undefined ? { sourceIp: current.sourceIp, sourceVpce: current.sourceVpce } : {}),
    });
    this.resolved.delete(next.accessKeyId);
    return this.byAccessKey(next.accessKeyId) as Identity;
  }

  /** Moves a session to another network path (a node's new address or endpoint). */
  setSessionNetwork(accessKeyId: string, network: SessionNetwork): Identity {
    const session = this.derived.get(accessKeyId);
    if (!session?.callerArn) throw new Error(`No session with access key ${accessKeyId}`);
    this.derived.set(accessKeyId, { ...session, sourceIp: network.sourceIp, sourceVpce: network.sourceVpce });
    this.resolved.delete(accessKeyId);
    return this.byAccessKey(accessKeyId) as Identity;
  }

  /** Ends a session: its credentials are refused from now on (UnrecognizedClientException), as expired ones are. A named identity's own credentials are not a session and stay valid. */
  endSession(accessKeyId: string): void {
    this.derived.delete(accessKeyId);
    this.resolved.delete(accessKeyId);
  }

  private materialise(d: Derived): Identity {
    const base = this.identity(d.base);
    return {
      ...base,
      accessKeyId: d.accessKeyId,
      secretAccessKey: d.secretAccessKey,
      sessionToken: d.sessionToken,
      callerArn: d.callerArn ?? base.callerArn,
      ...(d.uniqueId !== undefined ? { uniqueId: d.uniqueId } : {}),
      ...(d.sourceIp !== undefined || d.sourceVpce !== undefined ? { sourceIp: d.sourceIp, sourceVpce: d.sourceVpce } : {}),
    };
  }
}
