import { describe, expect, it } from 'vitest';
import { inCidr, networkAllows } from '../../src-main/drill/network-controls';
import { keyPolicy } from '../../src-main/drill/provision';

/** The key policy's network controls as a drill writes them, and as it plays them on a backend that does not evaluate them. */
describe('network controls', () => {
  it('IPv4 CIDR blocks match as AWS IpAddress does', () => {
    expect(inCidr('203.0.113.5', '203.0.113.0/28')).toBe(true);
    expect(inCidr('203.0.113.16', '203.0.113.0/28')).toBe(false);
    expect(inCidr('198.51.100.7', '198.51.100.7')).toBe(true);
    expect(inCidr('10.1.2.3', '0.0.0.0/0')).toBe(true);
    expect(inCidr('not-an-ip', '10.0.0.0/8')).toBe(false);
  });

  it('a call without the key in its context does not match; both controls must hold when both are set', () => {
    expect(networkAllows(undefined, {})).toBe(true);
    expect(networkAllows({ sourceIps: ['203.0.113.0/28'] }, {})).toBe(false);
    expect(networkAllows({ vpcEndpoints: ['vpce-0a1b2c3d4e5f60718'] }, { sourceVpce: 'vpce-0a1b2c3d4e5f60718' })).toBe(true);
    expect(networkAllows({ sourceIps: ['203.0.113.0/28'], vpcEndpoints: ['vpce-0a1b2c3d4e5f60718'] }, { sourceIp: '203.0.113.1' })).toBe(false);
  });

  it('the key policy puts them on the service role\'s statement only', () => {
    const policy = JSON.parse(keyPolicy('111122223333', 'arn:aws:iam::444455556666:role/keydrill-vendor', { sourceIps: ['203.0.113.0/28'], vpcEndpoints: ['vpce-0a1b2c3d4e5f60718'] })) as { Statement: { Sid: string; Condition?: unknown }[] };
    expect(policy.Statement[0]?.Condition).toBeUndefined();
    expect(policy.Statement[1]?.Condition).toEqual({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/28'] }, StringEquals: { 'aws:SourceVpce': ['vpce-0a1b2c3d4e5f60718'] } });
  });
});
