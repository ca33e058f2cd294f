import type { Execution } from '../../../src-shared/run-record';
import { html, type Html } from './html-template';

/**
 * Who acted, as a table cell: the run's own principals by their role (their full ARNs are printed
 * once, in the run facts and the "Who acted" table), anyone else by full ARN. Tables of a fleet stay
 * readable on paper, and every ARN is still in the report.
 */
export function principalCell(principal: string | undefined, execution: Pick<Execution, 'principals'>): Html {
  if (!principal) return html`<span class="muted">—</span>`;
  const role = principalRole(principal, execution);
  return role ? html`<span class="principal-role" title="${principal}">${role}</span>` : html`<code class="principal">${principal}</code>`;
}

/** "key administrator", "service role", "AWS KMS", "fault injector", or undefined for another principal. */
export function principalRole(principal: string, execution: Pick<Execution, 'principals'>): string | undefined {
  if (principal === execution.principals.administrator) return 'key administrator';
  if (principal === execution.principals.service) return 'service role';
  const session = serviceSession(principal, execution);
  if (session !== undefined) return `service role, session ${session}`;
  if (principal.startsWith('kms.amazonaws.com')) return principal === 'kms.amazonaws.com' ? 'AWS KMS' : 'AWS KMS (played on the client)';
  if (/fault injector/i.test(principal)) return 'fault injector';
  return undefined;
}

/**
 * The session name when `principal` is a node's own session of the service role: a node on a declared
 * network path calls as arn:aws:sts::…:assumed-role/<role>/<cluster>.<node>. Undefined for the role's
 * default session (the service principal itself) and for anyone else.
 */
export function serviceSession(principal: string, execution: Pick<Execution, 'principals'>): string | undefined {
  if (principal === execution.principals.service) return undefined;
  const role = /^(arn:aws:sts::\d{12}:assumed-role\/[^/]+\/)/.exec(execution.principals.service)?.[1];
  return role && principal.startsWith(role) ? principal.slice(role.length) : undefined;
}
