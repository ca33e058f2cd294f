import { KMS_API_OPERATIONS } from './cloudtrail';
import { didYouMean } from './did-you-mean';
import { formatDuration } from './duration';
import { KMS_ERROR_CODES, likelyErrorCode } from './kms-error-codes';
import type { Scenario } from './scenario';

/**
 * Checks what a schema cannot: that every name a scenario uses is declared — tenants, keys, clusters,
 * nodes, zones, regions, timeline step ids — and that times fall inside the drill. Each problem has
 * the path of the offending value, so the loader can give its line.
 */
export interface ReferenceIssue {
  path: (string | number)[];
  message: string;
}

export function scenarioReferenceIssues(s: Scenario): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const problem = (path: (string | number)[], message: string) => issues.push({ path, message });
  const regions = new Set(s.topology.regions);
  s.topology.regions.forEach((region, i) => {
    if (s.topology.regions.indexOf(region) !== i) problem(['topology', 'regions', i], `region ${region} is listed twice`);
  });
  const inRegions = (path: (string | number)[], region: string) => {
    if (!regions.has(region)) problem(path, `region ${region} is not in topology.regions (${[...regions].join(', ')})`);
  };

  const keys = new Map<string, { tenant: string; multiRegion: boolean; serviceAccess: string; allowFrom: AllowFrom | undefined; regions: string[] }>();
  const tenants = new Set<string>();
  const aliasesByRegion = new Map<string, string>();
  s.topology.tenants.forEach((tenant, t) => {
    if (tenants.has(tenant.id)) problem(['topology', 'tenants', t, 'id'], `tenant ${tenant.id} is declared twice`);
    tenants.add(tenant.id);
    tenant.keys.forEach((key, k) => {
      const path = ['topology', 'tenants', t, 'keys', k];
      if (keys.has(key.id)) problem([...path, 'id'], `key ${key.id} is declared twice`);
      keys.set(key.id, { tenant: tenant.id, multiRegion: key.multiRegion, serviceAccess: key.serviceAccess, allowFrom: key.allowFrom, regions: [key.region, ...key.replicas] });
      if (key.allowFrom && key.serviceAccess === 'grant') problem([...path, 'allowFrom'], 'network controls go in the key policy\'s statement for the service: they need serviceAccess: key-policy');
      inRegions([...path, 'region'], key.region);
      if (key.replicas.length > 0 && !key.multiRegion) problem([...path, 'replicas'], 'only a multi-Region key can have replicas: set multiRegion: true');
      key.replicas.forEach((r, i) => {
        inRegions([...path, 'replicas', i], r);
        if (r === key.region) problem([...path, 'replicas', i], `a replica cannot be in the key's own region ${r}`);
        else if (key.replicas.indexOf(r) !== i) problem([...path, 'replicas', i], `replica region ${r} is listed twice: a multi-Region key has one replica per region`);
      });
      // The drill creates a key's alias in each of its regions (provision.ts), and an alias names one key per region.
      if (key.alias) {
        for (const region of [key.region, ...key.replicas]) {
          const holder = aliasesByRegion.get(`${region} ${key.alias}`);
          if (holder && holder !== key.id) {
            problem([...path, 'alias'], `alias ${key.alias} is already key ${holder}'s in ${region}: an alias names one key per region`);
            break;
          }
          aliasesByRegion.set(`${region} ${key.alias}`, key.id);
        }
      }
    });
  });

  const clusters = new Map<string, Scenario['topology']['clusters'][number]>();
  const zones = new Set<string>();
  s.topology.clusters.forEach((cluster, c) => {
    const path = ['topology', 'clusters', c];
    if (clusters.has(cluster.id)) problem([...path, 'id'], `cluster ${cluster.id} is declared twice`);
    clusters.set(cluster.id, cluster);
    if (!tenants.has(cluster.tenant)) problem([...path, 'tenant'], `no tenant named ${cluster.tenant}`);
    const key = keys.get(cluster.key);
    if (!key) problem([...path, 'key'], `no key named ${cluster.key}`);
    else if (key.tenant !== cluster.tenant) problem([...path, 'key'], `key ${cluster.key} belongs to tenant ${key.tenant}, not ${cluster.tenant}`);
    const nodeIds = new Set<string>();
    cluster.nodes.forEach((node, n) => {
      // Such a node has no path of its own: the drill (buildCluster) sends its calls over the first
      // declared path of its cluster, or with none at all (refused by the embedded KMS, let through by
      // LocalStack). Either way the key's network controls are not drilled for it.
      if (key?.allowFrom && node.sourceIp === undefined && node.vpcEndpoint === undefined) {
        problem([...path, 'nodes', n], `node ${cluster.id}/${node.id} declares neither sourceIp nor vpcEndpoint, but key ${cluster.key} allows the service only ${describeAllowFrom(key.allowFrom)}: ${whatToAdd(key.allowFrom)}`);
      }
      if (nodeIds.has(node.id)) problem([...path, 'nodes', n, 'id'], `node ${node.id} is declared twice in cluster ${cluster.id}`);
      nodeIds.add(node.id);
      inRegions([...path, 'nodes', n, 'region'], node.region);
      const zoneRegion = regionOfZone(node.zone);
      if (zoneRegion !== undefined && zoneRegion !== node.region) problem([...path, 'nodes', n, 'zone'], `zone ${node.zone} is in ${zoneRegion}, not in the node's region ${node.region}`);
      zones.add(node.zone);
    });
    if (new Set(cluster.databases).size !== cluster.databases.length) problem([...path, 'databases'], 'a database is listed twice');
  });

  const stepIds = new Set<string>();
  s.timeline.forEach((step, i) => {
    const path = ['timeline', i];
    if (step.at > s.duration) problem([...path, 'at'], `this step is at ${formatDuration(step.at)}, after the end of the drill (duration ${formatDuration(s.duration)})`);
    // A fault that would outlast the drill is played only to its end: its stated length would be read (and reported) as what was drilled.
    else if ('duration' in step && step.duration !== undefined && step.at + step.duration > s.duration) {
      problem([...path, 'duration'], `this fault would last until ${formatDuration(step.at + step.duration)}, after the end of the drill (duration ${formatDuration(s.duration)}): give a duration of at most ${formatDuration(s.duration - step.at)}, or none to keep it until the end`);
    }
    if (step.id) {
      if (stepIds.has(step.id)) problem([...path, 'id'], `step id ${step.id} is used twice`);
      stepIds.add(step.id);
    }
    if ('key' in step && !keys.has(step.key)) problem([...path, 'key'], `no key named ${step.key}`);
    if (step.do === 'grant-revoke' && keys.get(step.key)?.serviceAccess !== 'grant') problem([...path, 'key'], `key ${step.key} gives the service access by key policy: grant-revoke needs serviceAccess: grant`);
    if ('region' in step) inRegions([...path, 'region'], step.region);
    if ('cluster' in step && step.cluster !== undefined && !clusters.has(step.cluster)) problem([...path, 'cluster'], `no cluster named ${step.cluster}`);
    if ((step.do === 'zone-outage' || step.do === 'node-restart') && step.zone !== undefined && !zones.has(step.zone)) problem([...path, 'zone'], `no node is in zone ${step.zone}`);
    if ((step.do === 'iam-permission-revoke' || step.do === 'iam-permission-restore') && s.topology.serviceAccount !== 'vendor') {
      problem([...path, 'do'], `${step.do} is about the SaaS vendor's own IAM policy: set topology.serviceAccount: vendor (a role in the customer's account needs no IAM policy of its own to use the key)`);
    }
    if ((step.do === 'node-crash' || step.do === 'node-restart' || step.do === 'node-address-change') && step.node !== undefined) {
      const [clusterId, nodeId] = step.node.split('/');
      const cluster = clusterId ? clusters.get(clusterId) : undefined;
      if (!cluster || !cluster.nodes.some((n) => n.id === nodeId)) problem([...path, 'node'], `no node ${step.node}: write it as "cluster/node"`);
    }
    if (step.do === 'node-address-change') {
      const [clusterId, nodeId] = step.node.split('/');
      const node = (clusterId ? clusters.get(clusterId) : undefined)?.nodes.find((n) => n.id === nodeId);
      if (node && node.sourceIp === undefined && node.vpcEndpoint === undefined) problem([...path, 'node'], `node ${step.node} declares no sourceIp or vpcEndpoint: give it the path it starts on, so the change has something to change`);
    }
    if (step.do === 'node-restart' && [step.node, step.cluster, step.zone].filter((v) => v !== undefined).length !== 1) problem(path, 'node-restart needs one of node ("cluster/node"), cluster or zone');
    if (step.do === 'rotate-cmk' && step.mode === 'on-demand' && !step.reEncrypt) problem([...path, 'reEncrypt'], 'reEncrypt applies to mode new-key only');
    if (step.do === 'reconfigure-kms-region') {
      // A single-Region key's refused failover is a story worth drilling (regional-outage-single-region-key);
      // a multi-Region key sent to a region it has no replica in is a slip that the drill would only log.
      const key = keys.get(clusters.get(step.cluster)?.key ?? '');
      if (key?.multiRegion && !key.regions.includes(step.region)) {
        problem([...path, 'region'], `the key of cluster ${step.cluster} has no replica in ${step.region} (it is in ${key.regions.join(', ')}): the cluster cannot call KMS there; add ${step.region} to the key's replicas`);
      }
    }
    if (step.do === 'restore-snapshot') {
      const cluster = clusters.get(step.cluster);
      const scheduled = cluster?.snapshots !== undefined && cluster.snapshots.every < step.at;
      // Steps at the same time play in timeline order; scheduled snapshots after them.
      const taken = s.timeline.some((t, j) => t.do === 'take-snapshot' && t.cluster === step.cluster && (t.at < step.at || (t.at === step.at && j < i)));
      if (cluster && !scheduled && !taken) {
        problem([...path, 'cluster'], cluster.snapshots
          ? `cluster ${step.cluster} has no snapshot yet at this step: its first scheduled snapshot is at ${formatDuration(cluster.snapshots.every)} and no take-snapshot step for it comes before this one`
          : `cluster ${step.cluster} has no snapshot to restore: it has no snapshot schedule (snapshots.every) and no take-snapshot step for it comes before this one`);
      }
    }
  });

  s.expectations.forEach((e, i) => {
    const path = ['expectations', i];
    if ('after' in e && e.after !== undefined && !stepIds.has(e.after)) problem([...path, 'after'], `no timeline step has id ${e.after}`);
    if (e.expect === 'snapshots-lost') {
      for (const field of ['takenBefore', 'takenAfter'] as const) {
        const id = e[field];
        if (id !== undefined && !stepIds.has(id)) problem([...path, field], `no timeline step has id ${id}`);
      }
    }
    if (e.expect === 'node-availability') {
      const [clusterId, nodeId] = e.node.split('/');
      const cluster = clusterId ? clusters.get(clusterId) : undefined;
      if (!cluster || !cluster.nodes.some((n) => n.id === nodeId)) problem([...path, 'node'], `no node ${e.node}: write it as "cluster/node"`);
    }
    if (e.expect === 'kms-calls') {
      if (e.after !== undefined && e.from !== 0) problem([...path, 'from'], 'give either after (a step) or from, not both');
      if (e.within !== undefined && e.after === undefined) problem([...path, 'within'], 'within goes with after');
      if (e.allIn !== undefined) inRegions([...path, 'allIn'], e.allIn);
      if (e.atLeast === undefined && e.atMost === undefined && e.allIn === undefined && !e.allSucceed) problem(path, 'kms-calls needs atLeast, atMost, allIn or allSucceed');
    }
    if ('cluster' in e && e.cluster !== undefined) {
      const cluster = clusters.get(e.cluster);
      if (!cluster) problem([...path, 'cluster'], `no cluster named ${e.cluster}`);
      else if (e.expect === 'availability' && e.database !== undefined && !cluster.databases.includes(e.database)) problem([...path, 'database'], `cluster ${e.cluster} has no database ${e.database}`);
    }
    // A window past the drill's end holds nothing, and a bound over nothing passes whatever the drill did.
    if (e.expect === 'availability' || e.expect === 'node-availability' || e.expect === 'kms-calls') {
      if (e.from >= s.duration) problem([...path, 'from'], `the window starts at ${formatDuration(e.from)}, when the drill has ended (duration ${formatDuration(s.duration)}): nothing in it could be judged`);
      else if (e.to !== undefined && (e.to > s.duration || e.to <= e.from)) problem([...path, 'to'], 'the window must end after it starts and within the drill');
    }
    if ('region' in e && e.region !== undefined) inRegions([...path, 'region'], e.region);
    if (e.expect === 'no-success-during-outage' && !s.timeline.some((t) => t.do === 'kms-region-outage' && t.region === e.region)) {
      problem([...path, 'region'], `no kms-region-outage step takes ${e.region} down: with no outage to judge, this would pass whatever happens`);
    }
    if ((e.expect === 'kms-calls' || e.expect === 'kms-calls-at-most') && e.operation !== undefined && !KMS_API_OPERATIONS.has(e.operation)) {
      const like = didYouMean(e.operation, KMS_API_OPERATIONS);
      problem([...path, 'operation'], `${e.operation} is not an AWS KMS operation${like ? ` (did you mean ${like}?)` : ''}: write an API name as CloudTrail shows it, like Decrypt, GenerateDataKey or ReEncrypt`);
    }
    // Matched exactly against what the drill's calls carry (judge-more.ts): a code no call can carry never matches.
    const [codeField, code] = e.expect === 'error-code-after' ? ['code', e.code] : e.expect === 'kms-calls' ? ['errorCode', e.errorCode] : [];
    if (codeField !== undefined && code !== undefined && !KMS_ERROR_CODES.has(code)) {
      const like = likelyErrorCode(code);
      problem([...path, codeField], `${code} is not an error code a KMS call gives${like ? ` (did you mean ${like}?)` : ''}: write it as CloudTrail's errorCode shows it, like AccessDeniedException, DisabledException or KMSInvalidStateException (or NetworkingError, TimeoutError for a call that never reached KMS)`);
    }
    if ('atLeast' in e && 'atMost' in e && e.atLeast !== undefined && e.atMost !== undefined && e.atLeast > e.atMost) {
      problem([...path, 'atLeast'], `atLeast (${e.atLeast}) is more than atMost (${e.atMost}): no result can meet both`);
    }
  });
  return issues;
}

type AllowFrom = NonNullable<Scenario['topology']['tenants'][number]['keys'][number]['allowFrom']>;

const either = (items: readonly string[]) => (items.length > 1 ? `one of ${items.join(', ')}` : items.join(''));

/** "from 203.0.113.0/28 and through vpce-…", as the key policy's condition reads. */
function describeAllowFrom(allow: AllowFrom): string {
  return [allow.sourceIps ? `from ${allow.sourceIps.join(' or ')}` : '', allow.vpcEndpoints ? `through ${allow.vpcEndpoints.join(' or ')}` : ''].filter(Boolean).join(' and ');
}

/** What a node needs to declare for its calls to meet the key's network controls (both conditions when there are two). */
function whatToAdd(allow: AllowFrom): string {
  const inRange = allow.sourceIps ? `an address in ${allow.sourceIps.join(' or ')}` : '';
  const endpoint = allow.vpcEndpoints ? either(allow.vpcEndpoints) : '';
  if (inRange && endpoint) return `add sourceIp (${inRange}) and vpcEndpoint (${endpoint}): the key policy requires both (or give a path outside them, to drill a refusal)`;
  if (inRange) return `add sourceIp with ${inRange} (or one outside, to drill a refusal)`;
  return `add vpcEndpoint: ${endpoint} (or another endpoint, to drill a refusal)`;
}

/** The region an availability zone's name starts with ("us-east-1a", "us-west-2-lax-1a"); undefined for a zone id ("use1-az1"). */
function regionOfZone(zone: string): string | undefined {
  return /^[a-z]{2}(-[a-z]+)+-\d+/.exec(zone)?.[0];
}
