import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { KMS_API_OPERATIONS } from '../../../src-shared/cloudtrail';
import { KMS_ERROR_CODES } from '../../../src-shared/kms-error-codes';
import type { PathStep, Suggestion } from './schema-context';

/**
 * The names a scenario declares — regions, tenants, keys, clusters, nodes, zones, timeline step ids —
 * as the editor offers them where a value must name one: `cluster: ` in a step offers the clusters of
 * the topology written above or below, `after: ` the ids of the timeline's steps. The schema knows
 * only that these are text; the scenario's own text says which names there are.
 */
export interface ScenarioNames {
  regions: string[];
  tenants: string[];
  keys: string[];
  clusters: string[];
  /** As steps and expectations write them: "cluster/node". */
  nodes: string[];
  zones: string[];
  steps: string[];
}

const NONE: ScenarioNames = { regions: [], tenants: [], keys: [], clusters: [], nodes: [], zones: [], steps: [] };

/** The last text read and its names: completion asks again at every keystroke of the same document. */
let cached: { text: string; names: ScenarioNames } | undefined;

/**
 * The names `text` declares. A text being typed is often not valid YAML for a moment: the parser
 * still reads what it can, and a text it cannot read at all keeps the names of the last one it could.
 */
export function scenarioNames(text: string): ScenarioNames {
  if (cached?.text === text) return cached.names;
  let names = cached?.names ?? NONE;
  try {
    names = namesIn(written(parseDocument(text, { uniqueKeys: false }).contents));
  } catch {
    // Half-typed YAML the parser gives up on: the names of the last text it read.
  }
  cached = { text, names };
  return names;
}

function namesIn(data: unknown): ScenarioNames {
  const s = asRecord(data);
  const topology = asRecord(s.topology);
  const tenants = asList(topology.tenants).map(asRecord);
  const clusters = asList(topology.clusters).map(asRecord);
  const nodes = clusters.flatMap((c) => asList(c.nodes).map(asRecord).map((n) => ({ cluster: text(c.id), node: n })));
  return {
    regions: distinct(asList(topology.regions).map(text)),
    tenants: distinct(tenants.map((t) => text(t.id))),
    keys: distinct(tenants.flatMap((t) => asList(t.keys).map((k) => text(asRecord(k).id)))),
    clusters: distinct(clusters.map((c) => text(c.id))),
    nodes: distinct(nodes.map(({ cluster, node }) => (cluster && text(node.id) ? `${cluster}/${text(node.id)}` : ''))),
    zones: distinct(nodes.map(({ node }) => text(node.zone))),
    steps: distinct(asList(s.timeline).map((step) => text(asRecord(step).id))),
  };
}

/**
 * The names a value may take at the cursor, when it must name something the scenario declares (or an
 * AWS KMS operation or error code): by the key being written and where it is (a cluster's `tenant`,
 * a step's `key`, an expectation's `after`). Empty where the value names nothing.
 */
export function nameSuggestions(path: readonly PathStep[], key: string | undefined, names: ScenarioNames): Suggestion[] {
  const section = path[0] && 'key' in path[0] ? path[0].key : undefined;
  const within = path.flatMap((step) => ('key' in step ? [step.key] : []));
  const offer = (values: readonly string[], detail: string) => values.map((label) => ({ label, detail }));
  switch (key) {
    case 'region':
    case 'allIn':
      return offer(names.regions, 'a region of topology.regions');
    case 'tenant':
      return section === 'topology' ? offer(names.tenants, 'a tenant of the topology') : [];
    case 'key':
      return offer(names.keys, 'a key of the topology');
    case 'cluster':
      return offer(names.clusters, 'a cluster of the topology');
    case 'node':
      return offer(names.nodes, 'cluster/node');
    case 'zone':
      return within.includes('nodes') ? [] : offer(names.zones, 'a zone of the topology\'s nodes');
    case 'after':
    case 'takenBefore':
    case 'takenAfter':
      return section === 'expectations' ? offer(names.steps, 'the id of a timeline step') : [];
    case 'operation':
      return section === 'expectations' ? offer([...KMS_API_OPERATIONS], 'an AWS KMS operation') : [];
    case 'code':
    case 'errorCode':
      return section === 'expectations' ? offer([...KMS_ERROR_CODES], 'an error code of a KMS call') : [];
    default:
      return [];
  }
}

/**
 * The document's values as written, aliases and merge keys left out: a name is written where it is
 * declared, and expanding nothing, a file of many aliases (or a bomb) costs the editor no more than
 * its length.
 */
function written(node: unknown): unknown {
  if (isScalar(node)) return node.value;
  if (isSeq(node)) return node.items.map(written);
  if (isMap(node)) return Object.fromEntries(node.items.flatMap((pair) => (isScalar(pair.key) && typeof pair.key.value !== 'symbol' ? [[String(pair.key.value), written(pair.value)]] : [])));
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function distinct(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}
