import { ipv4Number } from '../../src-shared/ip-address';
import type { NetworkControls } from './provision';

/** Where a node's calls come from, as key policy conditions see them. */
export interface NodeNetwork {
  sourceIp?: string | undefined;
  sourceVpce?: string | undefined;
}

/**
 * Whether a key's network controls let a call from `network` through, decided as AWS decides
 * IpAddress on aws:SourceIp and StringEquals on aws:SourceVpce — for backends that do not evaluate
 * them (LocalStack), where the drill plays them on the client. A call without the key in its context
 * does not match (as AWS treats a request whose context lacks the key).
 */
export function networkAllows(controls: NetworkControls, network: NodeNetwork): boolean {
  if (!controls) return true;
  if (controls.sourceIps && !(network.sourceIp !== undefined && controls.sourceIps.some((cidr) => inCidr(network.sourceIp as string, cidr)))) return false;
  if (controls.vpcEndpoints && !(network.sourceVpce !== undefined && controls.vpcEndpoints.includes(network.sourceVpce))) return false;
  return true;
}

/** IPv4 addresses and CIDR blocks (an address without /n is /32); an IPv6 address matches only itself. */
export function inCidr(address: string, cidr: string): boolean {
  const [base = '', bitsText] = cidr.split('/');
  const a = ipv4Number(address);
  const b = ipv4Number(base);
  if (a === undefined || b === undefined) return address.toLowerCase() === base.toLowerCase();
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}
