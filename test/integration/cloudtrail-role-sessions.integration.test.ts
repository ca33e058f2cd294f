import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { ManualClock } from '../../src-main/common/clock';
import type { CallerIdentity } from '../../src-main/kms/cloudtrail-event';
import { credentialsOf, startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { failure } from '../support/kms-harness';
import { builtIn, runWhole } from '../support/drill-run';

/** Every CloudTrail record handed on, as the event store would receive them. */
class Collected implements CloudTrailSink {
  readonly records: CloudTrailRecord[] = [];
  record(event: CloudTrailRecord): void {
    this.records.push(structuredClone(event));
  }
  observe(_observation: ClientObservation): void {}
}

const HOUR = 3_600_000;
const sessionName = (r: CloudTrailRecord) => r.userIdentity.arn?.split('/').pop() ?? '';
const roleRecords = (records: CloudTrailRecord[]) => records.filter((r) => r.userIdentity.type === 'AssumedRole');
/** The shared schema keeps sessionContext open (real logs vary); KeyDrill writes it as an assumed role's. */
const context = (u: CloudTrailRecord['userIdentity']) => (u as CallerIdentity).sessionContext;
const created = (r: CloudTrailRecord) => Date.parse(context(r.userIdentity)?.attributes.creationDate ?? '');

/**
 * What an auditor checks of a role's records: no session signs a call more than an hour after it was
 * created, each access key is one session (one creationDate), the AROA id is the role's for all of
 * them, and the session issuer never changes.
 */
function expectRenewedSessions(records: CloudTrailRecord[]): void {
  const roles = roleRecords(records);
  expect(roles.length).toBeGreaterThan(0);
  const issuer = (roles[0] && context(roles[0].userIdentity))?.sessionIssuer;
  const roleId = issuer?.principalId ?? '';
  expect(roleId).toMatch(/^AROA[A-Z0-9]{17}$/);
  const createdByKey = new Map<string, number>();
  for (const r of roles) {
    const age = Date.parse(r.eventTime) - created(r);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThanOrEqual(HOUR);
    expect(r.userIdentity.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(r.userIdentity.principalId).toBe(`${roleId}:${sessionName(r)}`);
    expect(context(r.userIdentity)?.sessionIssuer).toEqual(issuer);
    const key = r.userIdentity.accessKeyId as string;
    expect(createdByKey.get(key) ?? created(r)).toBe(created(r));
    createdByKey.set(key, created(r));
  }
}

describe('a role session lasts an hour of the drill clock, then the next call is a new session', () => {
  let backend: EmbeddedBackend;
  let clock: ManualClock;
  let sink: Collected;
  let keyArn: string;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 1));
    backend = await startEmbeddedBackend({ clock });
    sink = new Collected();
    const role = backend.kms.identity('service').principalArn;
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${backend.kms.account}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Service', Effect: 'Allow', Principal: { AWS: role }, Action: 'kms:DescribeKey', Resource: '*' },
      ],
    });
    const created = await backend.factory('admin').clientFor('us-east-1').send(new CreateKeyCommand({ Policy }));
    keyArn = created.KeyMetadata?.Arn as string;
  });
  afterEach(() => backend.close());

  it('a session older than an hour is renewed at the next call: new access key, its own creationDate, the same session name and role id; the KMS verifies it', async () => {
    const service = backend.factory('service', { sink });
    const kms = service.clientFor('us-east-1');
    const describe = () => kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    await describe();
    clock.advance(HOUR);
    await describe();
    clock.advance(1);
    await describe();
    clock.advance(5 * HOUR);
    await describe();
    const ids = sink.records.map((r) => r.userIdentity);
    expect(sink.records.every((r) => r.errorCode === undefined)).toBe(true);
    // An hour old exactly is still the first session; a millisecond more, a new one; five hours later, another.
    expect(ids.map((u) => context(u)?.attributes.creationDate)).toEqual(['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z', '2026-01-01T06:00:00Z']);
    expect(new Set(ids.map((u) => u.accessKeyId)).size).toBe(3);
    expect(ids[0]?.accessKeyId).toBe(backend.kms.identity('service').accessKeyId);
    expect(new Set(ids.map((u) => u.principalId))).toEqual(new Set([ids[0]?.principalId]));
    expect(new Set(ids.map((u) => u.arn))).toEqual(new Set(['arn:aws:sts::111122223333:assumed-role/keydrill-service/keydrill-session']));
    expectRenewedSessions(sink.records);
  });

  it("a node's session renews on its network path with the role's id, and the session before the last is refused afterwards, as an expired one", async () => {
    const node = backend.sessionFactory('service', 'acme-prod.n1', { sourceIp: '203.0.113.4' }, { sink });
    const kms = node.clientFor('us-east-1');
    await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    const first = node.options.session?.accessKeyId as string;
    clock.advance(2 * HOUR);
    await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    const second = node.options.session?.accessKeyId as string;
    expect(second).not.toBe(first);
    expect(backend.kms.sessionNetwork(second)).toEqual({ sourceIp: '203.0.113.4', sourceVpce: undefined });
    const signingAs = (accessKeyId: string) => {
      const identity = backend.kms.registry.byAccessKey(accessKeyId);
      if (!identity) throw new Error(`no session ${accessKeyId}`);
      return new KMSClient({ endpoint: backend.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: credentialsOf(identity) });
    };
    const stale = signingAs(first);
    const previous = signingAs(second);
    clock.advance(2 * HOUR);
    await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    // The first session ended at the second renewal; the second stays valid until the next one.
    expect(backend.kms.registry.byAccessKey(first)).toBeUndefined();
    expect(backend.kms.registry.byAccessKey(second)).toBeDefined();
    expect((await failure(stale.send(new DescribeKeyCommand({ KeyId: keyArn })))).name).toBe('UnrecognizedClientException');
    stale.destroy();
    expect((await previous.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.Arn).toBe(keyArn);
    previous.destroy();
    expect(sink.records.map((r) => r.sourceIPAddress)).toEqual(['203.0.113.4', '203.0.113.4', '203.0.113.4']);
    expectRenewedSessions(sink.records);
    // The node's sessions and the role's own carry the same role id.
    expect((sink.records[0] && context(sink.records[0].userIdentity))?.sessionIssuer.principalId).toBe(`AROA${backend.kms.identity('service').accessKeyId.slice(4, 21).padEnd(17, 'X')}`);
  });

  it("an IAM user's long-term key is no session and never changes", async () => {
    const admin = backend.factory('admin', { sink }).clientFor('us-east-1');
    await admin.send(new DescribeKeyCommand({ KeyId: keyArn }));
    clock.advance(30 * HOUR);
    await admin.send(new DescribeKeyCommand({ KeyId: keyArn }));
    expect(new Set(sink.records.map((r) => r.userIdentity.accessKeyId))).toEqual(new Set([backend.kms.identity('admin').accessKeyId]));
  });
});

describe("a drill's CloudTrail records show the role's sessions as AWS would: none older than an hour", () => {
  it('each node of a six-hour drill calls as a series of sessions of the service role, renewed on the drill clock', async () => {
    const sink = new Collected();
    await runWhole(builtIn('node-address-change'), { eventSink: sink });
    expectRenewedSessions(sink.records);
    for (const node of ['n1', 'n2', 'n3']) {
      const own = sink.records.filter((r) => sessionName(r) === `acme-prod.${node}`);
      const keys = new Set(own.map((r) => r.userIdentity.accessKeyId));
      expect(keys.size).toBeGreaterThan(2);
      // Renewals carry the node's declared address; n2 moved at 2h and stays moved.
      if (node !== 'n2') expect(new Set(own.map((r) => r.sourceIPAddress))).toEqual(new Set([own[0]?.sourceIPAddress]));
    }
    const moved = sink.records.filter((r) => sessionName(r) === 'acme-prod.n2' && Date.parse(r.eventTime) >= Date.UTC(2026, 0, 1, 3));
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((r) => r.sourceIPAddress === '198.51.100.7')).toBe(true);
  });

  it('a year of operation shows hundreds of sessions of the service role, none lasting more than an hour', async () => {
    const sink = new Collected();
    await runWhole(builtIn('year-of-operation'), { eventSink: sink });
    expectRenewedSessions(sink.records);
    expect(new Set(roleRecords(sink.records).map((r) => r.userIdentity.accessKeyId)).size).toBeGreaterThan(300);
  });

  it('the same scenario and seed give the same records, sessions included', async () => {
    const run = async () => {
      const sink = new Collected();
      await runWhole(builtIn('node-address-change'), { eventSink: sink });
      // Event ids come from the execution's own run id; everything else is the scenario's and seed's.
      return sink.records.map(({ eventID: _eventID, ...rest }) => JSON.stringify(rest));
    };
    const [a, b] = [await run(), await run()];
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });
});
