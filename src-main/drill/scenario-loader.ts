import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { Scenario } from '../../src-shared/scenario';

/**
 * Reads a scenario file (YAML, or JSON — a subset of YAML, so one parser gives line numbers for
 * both) and validates it. Every problem names the path and the line:
 *   timeline[3].at: expected a duration like "90m", "1h30m" or "7d" (line 41)
 */
export interface ScenarioProblem {
  path: string;
  line: number | undefined;
  message: string;
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly file: string, readonly problems: ScenarioProblem[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
}

export function formatProblem(p: ScenarioProblem): string {
  return `${p.path ? `${p.path}: ` : ''}${p.message}${p.line !== undefined ? ` (line ${p.line})` : ''}`;
}

const MAX_SCENARIO_BYTES = 2 * 1024 * 1024;

export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(file, [{ path: '', line: undefined, message: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  return parseScenarioText(text, file);
}

export function parseScenarioText(text: string, file = 'scenario'): Scenario {
  if (text.length > MAX_SCENARIO_BYTES) throw new ScenarioError(file, [{ path: '', line: undefined, message: `the file is larger than ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB` }]);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(file, doc.errors.map((e) => ({ path: '', line: e.linePos?.[0]?.line, message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '') })));
  }
  const data = toData(doc, lines, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError(file, [{ path: '', line: 1, message: `a scenario is a mapping with name, title, duration, topology, workload… (${basename(file)} holds ${data === null ? 'nothing' : Array.isArray(data) ? 'a list' : typeof data})` }]);
  }
  const result = Scenario.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue): ScenarioProblem[] => {
    // An unknown key is reported where it is written, one problem a key, not at its parent's line.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), line: keyLine(doc, lines, issue.path, key), message: `unknown key "${key}"` }));
    }
    return [{ path: formatPath(issue.path), line: lineOf(doc, lines, issue.path), message: issue.message }];
  });
  throw new ScenarioError(file, dedupe(problems));
}

/** Aliases a scenario may use before it looks like an alias bomb (a billion laughs): each expansion counts. */
const MAX_ALIAS_COUNT = 100;

/**
 * The document as plain data. YAML aliases are resolved here, so the two ways they go wrong are
 * named with the alias's line: one that names no anchor defined before it, and so many expansions
 * that the file would blow up to gigabytes in memory.
 */
function toData(doc: Document, lines: LineCounter, file: string): unknown {
  const aliases: { source: string; line: number | undefined }[] = [];
  visit(doc, {
    Alias(_, node) {
      aliases.push({ source: node.source, line: node.range ? lines.linePos(node.range[0]).line : undefined });
    },
  });
  const anchors = new Set<string>();
  visit(doc, {
    Node(_, node) {
      if (node.anchor) anchors.add(node.anchor);
    },
  });
  const dangling = aliases.filter((a) => !anchors.has(a.source));
  if (dangling.length) throw new ScenarioError(file, dangling.map((a) => ({ path: '', line: a.line, message: `the alias *${a.source} names no anchor (&${a.source}) defined before it` })));
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = (err as Error).message;
    if (/alias/i.test(message)) {
      const first = aliases[0];
      const unresolved = /Unresolved alias[^:]*: (\S+)/.exec(message)?.[1];
      const at = unresolved ? aliases.find((a) => a.source === unresolved) ?? first : first;
      throw new ScenarioError(file, [{ path: '', line: at?.line, message: unresolved
        ? `the alias *${unresolved} names no anchor (&${unresolved}) defined before it`
        : `the YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} expansions: an alias bomb?); the first alias is *${first?.source ?? '?'}` }]);
    }
    throw err;
  }
}

/** The line a key of the mapping at `path` is written on (its parent's line if it cannot be found). */
function keyLine(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key: string): number | undefined {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path as (string | number)[], true);
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key);
    const node = pair && isNode(pair.key) ? pair.key : undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return lineOf(doc, lines, path);
}

/** `['timeline', 3, 'at']` -> `timeline[3].at` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '');
}

/** The line of the deepest node on the path that exists (a missing member points at its parent). */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function dedupe(problems: ScenarioProblem[]): ScenarioProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
