import type { Clock } from '../common/clock';
import type { CallerIdentity } from './cloudtrail-event';
import type { Identity } from './embedded/identities';
import type { SessionCredentials } from './kms-client-factory';

/**
 * How long a role session signs calls before its client takes a new one: the AWS SDK's assumed-role
 * credentials last an hour by default and are refreshed before they expire; no role session lasts
 * more than 12 h.
 */
export const ROLE_SESSION_LIFETIME_MS = 3_600_000;

/** What a renewing session needs of the embedded KMS: new sessions registered, old ones ended. */
export interface SessionIssuer {
  renewSession(accessKeyId: string, createdAt: number): Identity;
  endSession(accessKeyId: string): void;
}

/** The SDK's view of one session's credentials, attributed as the SDK attributes credentials given in code. */
interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  $source: { CREDENTIALS_CODE: 'e' };
}

interface Active {
  identity: Identity;
  createdAt: number;
  credentials: Promise<Credentials>;
  caller: Promise<CallerIdentity>;
}

/**
 * The credentials of a client that calls the embedded KMS as a role, renewed on the client's clock
 * (a drill's virtual one): a call made when the session is more than an hour old is made by a new
 * session — new temporary credentials registered with the KMS, its own creationDate in CloudTrail,
 * the same session name and role. The SDK cannot do this itself: it memoizes credentials against
 * the wall clock, and a drill crosses a year of its own clock in seconds.
 *
 * Asked on every call (for signing and for the record): an O(1) age check that allocates nothing
 * until a renewal is due. The session before the current one is ended at a renewal, not before: a
 * call signed just before a renewal still verifies, and the KMS keeps at most two per client.
 */
export class RenewingRoleSession implements SessionCredentials {
  private active: Active;
  private previous: Identity | undefined;

  constructor(
    first: Identity,
    createdAt: number,
    private readonly clock: Clock,
    private readonly issuer: SessionIssuer,
    private readonly describe: (identity: Identity, createdAt: number) => CallerIdentity,
  ) {
    this.active = this.activate(first, createdAt);
  }

  /** The access key of the current session (moving a node's network path moves this one; renewals carry it on). */
  get accessKeyId(): string {
    return this.active.identity.accessKeyId;
  }

  get arn(): string {
    return this.active.identity.callerArn;
  }

  credentials(): Promise<Credentials> {
    return this.current().credentials;
  }

  caller(): Promise<CallerIdentity> {
    return this.current().caller;
  }

  private current(): Active {
    const now = this.clock.now();
    if (now - this.active.createdAt <= ROLE_SESSION_LIFETIME_MS) return this.active;
    const next = this.issuer.renewSession(this.active.identity.accessKeyId, now);
    // (Ending a named identity's own credentials, shared with other clients, leaves them valid: see identity-registry.ts.)
    if (this.previous) this.issuer.endSession(this.previous.accessKeyId);
    this.previous = this.active.identity;
    this.active = this.activate(next, now);
    return this.active;
  }

  private activate(identity: Identity, createdAt: number): Active {
    const { accessKeyId, secretAccessKey, sessionToken } = identity;
    const credentials: Credentials = sessionToken ? { accessKeyId, secretAccessKey, sessionToken, $source: { CREDENTIALS_CODE: 'e' } } : { accessKeyId, secretAccessKey, $source: { CREDENTIALS_CODE: 'e' } };
    return { identity, createdAt, credentials: Promise.resolve(credentials), caller: Promise.resolve(this.describe(identity, createdAt)) };
  }
}
