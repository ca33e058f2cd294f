/**
 * IP addresses and CIDR blocks as aws:SourceIp conditions take them, checked without Node (the
 * scenario schema runs in the renderer too): an IPv4 address is four decimal octets of 0–255, an
 * IPv6 address eight groups of 1–4 hex digits with at most one "::" and optionally an IPv4 tail, as
 * node:net's isIP reads them; a block's prefix length is at most 32 (IPv4) or 128 (IPv6).
 */

/** An IPv4 address as a 32-bit number, or undefined when `text` is not four octets of 0–255. */
export function ipv4Number(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    // One to three digits, no leading zero (isIP refuses "010.0.0.1": some read it as octal).
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n >>> 0;
}

export function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const all = [...head, ...tail];
  // An IPv4 tail ("::ffff:192.0.2.1") takes the place of the last two groups, written last.
  const last = halves.length === 2 ? tail[tail.length - 1] : head[head.length - 1];
  const v4Tail = last !== undefined && last.includes('.');
  if (v4Tail && ipv4Number(last) === undefined) return false;
  const hex = v4Tail ? all.slice(0, -1) : all;
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hex.length + (v4Tail ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** 4 or 6 for an address, undefined for anything else. */
export function ipVersion(text: string): 4 | 6 | undefined {
  if (ipv4Number(text) !== undefined) return 4;
  return isIpv6(text) ? 6 : undefined;
}

/** What is wrong with an address ("203.0.113.7"), or undefined when it is one. */
export function addressProblem(text: string): string | undefined {
  return ipVersion(text) === undefined ? `${text} is not an IP address: an IPv4 address is four numbers of 0 to 255 ("203.0.113.10"), an IPv6 one up to eight groups of hex digits ("2001:db8::10")` : undefined;
}

/** What is wrong with an address or CIDR block ("203.0.113.0/24", "2001:db8::/32"), or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const bad = addressProblem(address);
  if (bad || slash < 0) return bad;
  const max = ipVersion(address) === 4 ? 32 : 128;
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `${text}: the prefix length of an IPv${max === 32 ? 4 : 6} block is 0 to ${max}`;
  return undefined;
}
