import type { Scenario } from '../../src-shared/scenario';
import { rotationPeriodDays } from '../drill/provision';
import { backendText } from '../../src-shared/backend-text';

/**
 * What `keydrill drill run --dry-run` says a drill would create in the backend, read from the
 * scenario's topology alone (nothing is sent to the KMS): each tenant key with its tags, its
 * multi-Region replicas, its aliases and grants per region, automatic rotation; and that all of it
 * is scheduled for deletion when the drill ends. On AWS each key and each replica is a billed key.
 */
export interface PlannedKey {
  id: string;
  tenant: string;
  region: string;
  multiRegion: boolean;
  replicas: string[];
  /** Alias name per region (the primary's and each replica's). */
  aliases: { region: string; name: string }[];
  /** One grant to the service role per region, when the scenario gives access by grant. */
  grants: { region: string; grantee: string }[];
  tags: Record<string, string>;
  automaticRotationDays: number | undefined;
}

export interface DryRunPlan {
  scenario: string;
  keys: PlannedKey[];
  /** Keys billed while they exist: every primary and every replica. */
  billedKeys: number;
  /** Timeline steps that change backend state (disable, policy, deletion, rotation…). */
  backendSteps: { step: number; do: string; at: number }[];
}

const BACKEND_STEPS = new Set(['key-disable', 'key-policy-revoke', 'grant-revoke', 'key-schedule-deletion', 'restore-access', 'enable-key', 'cancel-key-deletion', 'rotate-cmk']);

export function planDrill(scenario: Scenario, servicePrincipal = 'the service role keydrill-service'): DryRunPlan {
  const keys: PlannedKey[] = [];
  for (const tenant of scenario.topology.tenants) {
    for (const spec of tenant.keys) {
      const regions = [spec.region, ...spec.replicas];
      keys.push({
        id: spec.id,
        tenant: tenant.id,
        region: spec.region,
        multiRegion: spec.multiRegion,
        replicas: [...spec.replicas],
        aliases: spec.alias ? regions.map((region) => ({ region, name: spec.alias as string })) : [],
        grants: spec.serviceAccess === 'grant' ? regions.map((region) => ({ region, grantee: servicePrincipal })) : [],
        tags: { 'keydrill:scenario': scenario.name, tenant: tenant.id },
        automaticRotationDays: scenario.policy.cmkRotation.automatic ? rotationPeriodDays(scenario) : undefined,
      });
    }
  }
  const backendSteps = scenario.timeline.flatMap((s, step) => (BACKEND_STEPS.has(s.do) ? [{ step, do: s.do, at: s.at }] : []));
  return { scenario: scenario.name, keys, billedKeys: keys.reduce((n, k) => n + 1 + k.replicas.length, 0), backendSteps };
}

/**
 * The plan as the console prints it. `endpoint` is where LocalStack or AWS is reached (undefined for
 * the embedded KMS, and for AWS's own regional endpoints).
 */
export function describePlan(plan: DryRunPlan, backend: string, endpoint: string | undefined): string {
  const where = backend === 'embedded' ? 'the embedded KMS, which runs in this process' : backendText(backend, endpoint);
  const lines = [`dry run: drill ${plan.scenario} would create these in ${where}:`];
  for (const k of plan.keys) {
    lines.push(`  ${k.multiRegion ? 'multi-Region key' : 'key'} ${k.id} (tenant ${k.tenant}) in ${k.region}, tagged ${Object.entries(k.tags).map(([t, v]) => `${t}=${v}`).join(', ')}`);
    for (const r of k.replicas) lines.push(`    replica in ${r}`);
    for (const a of k.aliases) lines.push(`    alias ${a.name} in ${a.region}`);
    for (const g of k.grants) lines.push(`    grant to ${g.grantee} in ${g.region}`);
    if (k.automaticRotationDays) lines.push(`    automatic rotation every ${k.automaticRotationDays} days`);
  }
  const replicas = plan.billedKeys - plan.keys.length;
  const parts = replicas > 0 ? ` (${plural(plan.keys.length, 'primary', 'primaries')} and ${plural(replicas, 'replica')})` : '';
  const billed = backend === 'aws' ? `; AWS bills ${plan.billedKeys === 1 ? 'it' : 'each'} until it is deleted` : '';
  lines.push(`  ${plural(plan.billedKeys, 'KMS key')} in all${parts}${billed}`);
  const keys = plan.billedKeys === 1 ? 'the key' : 'the keys';
  const steps = plan.backendSteps.map((s) => `timeline[${s.step}] ${s.do}`).join(', ');
  if (plan.backendSteps.length === 1) lines.push(`  the timeline step that changes ${keys}: ${steps}`);
  if (plan.backendSteps.length > 1) lines.push(`  timeline steps that change ${keys}: ${steps}`);
  if (backend === 'embedded') {
    lines.push('The embedded KMS keeps its keys in memory and closes when the drill ends, so nothing outlives the drill.');
    lines.push('Nothing was created.');
  } else {
    lines.push('When the drill ends (or is interrupted with Ctrl-C), its aliases are deleted and its keys are scheduled for deletion after a 7-day waiting period.');
    lines.push('Nothing was created. keydrill cleanup finds keys a drill left behind by their keydrill:scenario tag.');
  }
  return lines.join('\n');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
