import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CallRange, Evidence } from '../../src-shared/run-record';
import type { CloudTrailSink } from '../audit/cloudtrail-sink';
import { formatUuid, sha256 } from '../common/id-source';
import { isKeyOwnerCopy } from '../kms/cloudtrail-cross-account';
import { InlineDigest, type TrailDigest } from './trail-digest';

/**
 * The KMS calls of one drill run, in order: CloudTrail records (calls that reached KMS) and
 * client-side observations (calls that never did: an outage between the service and KMS, a step the
 * backend cannot enforce played on the client). The full records go on to the event store as they
 * come; the run keeps only a slim entry per call — enough to judge expectations, draw the series and
 * cite evidence — so a fleet drill's memory follows its calls, not their size.
 *
 * Records are numbered from 1 in the order they were made. The number is the run's citation of a
 * record (deterministic: the same scenario and seed give the same numbers), and a record's eventID is
 * derived from the run id and its number (`eventIdOf`): unique to this execution, recomputable by
 * anyone who holds the run record.
 */
export interface TrailEntry {
  /** Number of the record (or observation) in the run, from 1. */
  n: number;
  /** Milliseconds from the start of the drill. */
  at: number;
  name: string;
  region: string;
  /** The error code, for a failed call. */
  error: string | undefined;
  /** The first key ARN the call named. */
  key: string | undefined;
  /** The cluster whose node made the call (from its encryption context), when one did. */
  cluster: string | undefined;
  /** For an observation: the node that made the call (from its encryption context), when one did. */
  node?: string | undefined;
  /** What KMS did on its own (an AwsServiceEvent: a rotation, a deletion): a CloudTrail record, but no call. */
  byKms?: true;
  /** The key owner's account's record of the call before it, made from another account: a CloudTrail record, but no call of its own. */
  forKeyOwner?: true;
}

/** A position in the trail: how many records and observations existed then. */
export interface TrailMark {
  records: number;
  observations: number;
}

export class RunTrail implements CloudTrailSink {
  /** Every CloudTrail record of the run, numbered: the calls that reached KMS and what KMS did on its own. */
  readonly entries: TrailEntry[] = [];
  /** The records of calls only: what call counts, series and expectations read. */
  readonly calls: TrailEntry[] = [];
  /** Records delivered to a key owner's account for calls made from another account (cloudtrail-cross-account.ts). */
  keyOwnerCopies = 0;
  /** Records by the account whose trail holds them (recipientAccountId). */
  readonly recordsByAccount: Record<string, number> = {};
  /** Calls that never reached KMS: kept apart, never CloudTrail records. */
  readonly observations: TrailEntry[] = [];
  /** Per key id, the latest records of what KMS did on its own to it, until a timeline entry cites them. */
  private readonly kmsEvents = new Map<string, { from: TrailMark; until: TrailMark }>();

  constructor(
    private readonly now: () => number,
    private readonly start: number,
    readonly runId: string,
    private readonly downstream?: CloudTrailSink,
    /** Works out the event-set digest: on a thread of its own for a large drill (trail-digest.ts). */
    private readonly digest: TrailDigest = new InlineDigest(),
  ) {}

  record(event: CloudTrailRecord, runId: string | undefined): void {
    if (isKeyOwnerCopy(event)) {
      const call = this.calls.at(-1);
      this.keyOwnerCopies++;
      this.append(event, runId, { at: call?.at ?? this.now() - this.start, cluster: call?.cluster, forKeyOwner: true });
      return;
    }
    const context = event.requestParameters?.encryptionContext as Record<string, unknown> | undefined;
    const cluster = typeof context?.cluster === 'string' ? context.cluster : undefined;
    this.calls.push(this.append(event, runId, { at: this.now() - this.start, cluster }));
  }

  /**
   * What KMS did on its own to key `keyId` at `at` (epoch ms): numbered with the calls, exported
   * with them, never counted as one; a timeline entry about it cites it (takeKmsEvent).
   */
  recordKmsEvent(event: CloudTrailRecord, at: number, keyId: string): void {
    const from = this.mark;
    this.append(event, this.runId, { at: at - this.start, cluster: undefined, byKms: true });
    this.kmsEvents.set(`${event.eventName} ${keyId}`, { from, until: this.mark });
  }

  /** The latest record of KMS's own `eventName` (RotateKey, DeleteKey) for `keyId` not yet cited, as a range to cite; then forgotten. */
  takeKmsEvent(eventName: string, keyId: string): { from: TrailMark; until: TrailMark } | undefined {
    const key = `${eventName} ${keyId}`;
    const range = this.kmsEvents.get(key);
    this.kmsEvents.delete(key);
    return range;
  }

  private append(event: CloudTrailRecord, runId: string | undefined, facts: Pick<TrailEntry, 'at' | 'cluster' | 'byKms' | 'forKeyOwner'>): TrailEntry {
    const n = this.entries.length + 1;
    // The run names its records: the id is the run's, numbered, so evidence can cite it by number.
    event.eventID = eventIdOf(this.runId, n);
    const entry: TrailEntry = { n, name: event.eventName, region: event.awsRegion, error: event.errorCode, key: event.resources?.[0]?.ARN, ...facts };
    this.entries.push(entry);
    const account = event.recipientAccountId ?? 'unknown';
    this.recordsByAccount[account] = (this.recordsByAccount[account] ?? 0) + 1;
    this.digest.add(event);
    this.downstream?.record(event, runId);
    return entry;
  }

  /** A call that never reached KMS: numbered apart from the records, never hashed or exported with them. */
  observe(observation: ClientObservation, runId: string | undefined): void {
    const n = this.observations.length + 1;
    observation.observationId = observationIdOf(this.runId, n);
    const cluster = observation.encryptionContext?.cluster;
    const node = observation.encryptionContext?.node;
    this.observations.push({ n, at: this.now() - this.start, name: observation.operation, region: observation.region, error: observation.errorCode, key: observation.keyId, cluster, ...(node !== undefined ? { node } : {}) });
    this.downstream?.observe(observation, runId);
  }

  get mark(): TrailMark {
    return { records: this.entries.length, observations: this.observations.length };
  }

  /**
   * Where an automatic failover that has just happened began: a node of `cluster` whose call in its
   * own region never reached KMS made it again in `region`, and that call's record (the last call,
   * the key owner's copy after it) is what moved the node. The mark before that record and before the
   * node's refused calls just ahead of it, so the failover's entry cites both.
   */
  markBeforeFailover(cluster: string, node: string, region: string): TrailMark {
    const call = this.calls.at(-1);
    if (call?.cluster !== cluster || call.region !== region || call.error !== undefined) return this.mark;
    let observations = this.observations.length;
    while (observations > 0) {
      const o = this.observations[observations - 1]!;
      if (o.cluster !== cluster || o.node !== node || o.region === region) break;
      observations--;
    }
    return { records: call.n - 1, observations };
  }

  /** The records and observations made since `mark` (up to `until`, by default now), as the ranges a timeline entry cites. */
  since(mark: TrailMark, until: TrailMark = this.mark): { calls: CallRange; observations?: CallRange } {
    const observations = until.observations - mark.observations;
    return {
      calls: { from: mark.records + 1, count: until.records - mark.records },
      ...(observations > 0 ? { observations: { from: mark.observations + 1, count: observations } } : {}),
    };
  }

  /** SHA-256 over the records as canonical JSON lines, in order: what an auditor recomputes from the export. */
  sha256(): Promise<string> {
    return this.digest.digest();
  }
}

/** Evidence citing records (and observations) by number. */
export function evidenceOf(records: readonly TrailEntry[], observations: readonly TrailEntry[] = []): Evidence {
  return { records: records.map((e) => e.n), ...(observations.length ? { observations: observations.map((e) => e.n) } : {}) };
}

/**
 * The first few of the records (and observations) that support a verdict, and how many support it
 * when more do than are cited, so a reader of "15 calls, all succeeded" sees 3 cited of 15, not 3.
 */
export function citedEvidence(records: readonly TrailEntry[], recordLimit: number, observations: readonly TrailEntry[] = [], observationLimit = 3): Evidence {
  const evidence = evidenceOf(records.slice(0, recordLimit), observations.slice(0, observationLimit));
  if (records.length <= recordLimit && observations.length <= observationLimit) return evidence;
  return { ...evidence, supporting: { records: records.length, ...(observations.length ? { observations: observations.length } : {}) } };
}

/** The eventID of record `n` of run `runId`: a UUID from SHA-256, so anyone holding the run record can recompute it. */
export function eventIdOf(runId: string, n: number): string {
  return formatUuid(sha256(`keydrill-event\0${runId}\0${n}`).subarray(0, 16));
}

/** The id of client-side observation `n` of run `runId`. */
export function observationIdOf(runId: string, n: number): string {
  return formatUuid(sha256(`keydrill-observation\0${runId}\0${n}`).subarray(0, 16));
}
