import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { refusal, type Refusal } from './http-replies';

/**
 * The name of the cookie the per-launch token is traded for (HttpOnly, SameSite=Strict): it names
 * the port and a per-launch random part. Browsers scope cookies by host, not port, so a fixed name
 * would let one launch's cookie (or one set by another service on 127.0.0.1) stand for another's;
 * this name is only ever accepted by the bridge that chose it. (Other local services still see the
 * cookie's value in their requests: scripts that want nothing in cookies send x-keydrill-token.)
 */
export function tokenCookieName(port: number, random: string = randomBytes(6).toString('hex')): string {
  return `keydrill_${port}_${random}`;
}

/**
 * The checks every request and every WebSocket upgrade passes before anything else runs:
 * - the Host header names the bridge's own loopback address and port, so a page elsewhere cannot
 *   reach it by rebinding a DNS name to 127.0.0.1;
 * - the per-launch token, from the cookie (browsers) or an `x-keydrill-token` header (scripts, tests);
 * - on upgrades also the Origin: WebSockets are not bound by the same-origin policy, and browsers
 *   always send Origin on them, so a foreign page is told apart here. (HTTP POSTs are not checked for
 *   Origin: the bridge's `referrer-policy: no-referrer` makes Chromium send `Origin: null` on its own
 *   same-origin POSTs; those are kept safe by SameSite=Strict and the JSON content type instead.)
 */
export class BridgeGuards {
  private hosts = new Set<string>();
  /** Set with the port; no cookie is accepted before. */
  cookieName = '';

  constructor(readonly token: string) {}

  /** Until the port is known no Host matches, so nothing is answered. */
  listeningOn(port: number): void {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.cookieName = tokenCookieName(port);
  }

  hostAllowed(req: IncomingMessage): boolean {
    return this.hosts.has(req.headers.host ?? '');
  }

  /** The origin of the page this request comes from must be the bridge itself, under the Host it used. */
  originAllowed(req: IncomingMessage): boolean {
    return this.hostAllowed(req) && req.headers.origin === `http://${req.headers.host}`;
  }

  tokenMatches(given: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  authorised(req: IncomingMessage): boolean {
    const header = req.headers['x-keydrill-token'];
    if (typeof header === 'string') return this.tokenMatches(header);
    if (!this.cookieName) return false;
    const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${this.cookieName}=`));
    return cookie !== undefined && this.tokenMatches(cookie.slice(this.cookieName.length + 1));
  }

  /** Host first (421: this is not the server the name was meant for). The token is checked by the caller, after a possible token-for-cookie trade. */
  checkHost(req: IncomingMessage): Refusal | undefined {
    if (!this.hostAllowed(req)) return refusal(421, 'unauthorized', 'This server answers only on its loopback address.');
    return undefined;
  }

  checkToken(req: IncomingMessage): Refusal | undefined {
    if (!this.authorised(req)) return refusal(401, 'unauthorized', 'Missing or wrong KeyDrill token: open the URL keydrill ui printed.');
    return undefined;
  }

  /** Host, Origin and token of a WebSocket upgrade: 403 for a foreign page or name, 401 without the token. */
  checkUpgrade(req: IncomingMessage): Refusal | undefined {
    if (!this.hostAllowed(req)) return refusal(403, 'unauthorized', 'This server answers only on its loopback address.');
    if (!this.originAllowed(req)) return refusal(403, 'unauthorized', `WebSocket connections are accepted only from KeyDrill's own page, not from origin ${JSON.stringify(req.headers.origin ?? null)}.`);
    return this.checkToken(req);
  }
}
