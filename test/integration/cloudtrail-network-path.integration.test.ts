import { describe, expect, it } from 'vitest';
import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { principalRole } from '../../src-main/report/html/principal';
import { builtIn, runWhole } from '../support/drill-run';

/** Every CloudTrail record a drill hands on, as the event store would receive them. */
class Collected implements CloudTrailSink {
  readonly records: CloudTrailRecord[] = [];
  record(event: CloudTrailRecord): void {
    this.records.push(structuredClone(event));
  }
  observe(_observation: ClientObservation): void {}
}

const session = (r: CloudTrailRecord) => r.userIdentity.arn?.split('/').pop() ?? '';
const VPCE = 'vpce-0a1b2c3d4e5f60718';

describe('CloudTrail records show the network path the key policy judged', () => {
  it('calls through a VPC endpoint carry its vpcEndpointId; a node moved off it shows its own address and no endpoint', async () => {
    const sink = new Collected();
    await runWhole(builtIn('vpc-endpoint-key-policy'), { eventSink: sink });
    const nodes = sink.records.filter((r) => /^initrode-prod\.n\d$/.test(session(r)));
    const denied = nodes.filter((r) => r.errorCode === 'AccessDeniedException');
    expect(denied.length).toBeGreaterThan(0);
    // n3 was moved to 198.51.100.23, off the endpoint the key allows: that is where KMS saw it call from.
    for (const r of denied) {
      expect(session(r)).toBe('initrode-prod.n3');
      expect(r.sourceIPAddress).toBe('198.51.100.23');
      expect(r.vpcEndpointId).toBeUndefined();
    }
    const through = nodes.filter((r) => !r.errorCode);
    expect(through.length).toBeGreaterThan(10);
    for (const r of through) {
      expect(r.vpcEndpointId).toBe(VPCE);
      // Where CloudTrail writes it: after recipientAccountId (and sharedEventID), before eventCategory.
      const keys = Object.keys(r);
      expect(keys.indexOf('vpcEndpointId')).toBe(keys.indexOf('eventCategory') - 1);
    }
    // The administrator declared no path: none is invented for it.
    expect(sink.records.filter((r) => session(r) === 'keydrill-admin').every((r) => r.vpcEndpointId === undefined)).toBe(true);
  });

  it('the timeline names the session a node called KMS as, the one its CloudTrail records show', async () => {
    const sink = new Collected();
    const { record, full } = await runWhole(builtIn('vpc-endpoint-key-policy'), { eventSink: sink });
    const callers = new Set(sink.records.map((r) => r.userIdentity.arn));
    const nodeEntries = full.timeline.filter((e) => e.node !== undefined && e.principal?.includes(':assumed-role/'));
    expect(nodeEntries.length).toBeGreaterThan(0);
    for (const e of nodeEntries) {
      expect(callers.has(e.principal)).toBe(true);
      expect(e.principal?.endsWith(`/${e.cluster}.${e.node}`)).toBe(true);
      expect(principalRole(e.principal as string, record.execution)).toBe(`service role, session ${e.cluster}.${e.node}`);
    }
    // The role's default session never called: no entry names it.
    expect(full.timeline.some((e) => e.principal === record.execution.principals.service)).toBe(false);
  });

  it("calls from a node's declared address carry it as sourceIPAddress, and follow the node when it moves", async () => {
    const sink = new Collected();
    await runWhole(builtIn('node-address-change'), { eventSink: sink });
    const addresses = (node: string) => new Set(sink.records.filter((r) => session(r) === `acme-prod.${node}`).map((r) => r.sourceIPAddress));
    expect(addresses('n1')).toEqual(new Set(['203.0.113.4']));
    expect(addresses('n2')).toEqual(new Set(['203.0.113.5', '198.51.100.7']));
    const moved = sink.records.filter((r) => session(r) === 'acme-prod.n2' && r.sourceIPAddress === '198.51.100.7');
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((r) => r.errorCode === 'AccessDeniedException')).toBe(true);
  });
});
