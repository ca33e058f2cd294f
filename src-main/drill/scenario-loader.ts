import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Pair, type YAMLError } from 'yaml';
import { Scenario } from '../../src-shared/scenario';
import { missingKeyMessage, unknownKeyMessage } from '../../src-shared/scenario-keys';
import { issueText } from '../../src-shared/issue-text';
import { YamlReferences } from './yaml-references';

/**
 * Reads a scenario file (YAML, or JSON — a subset of YAML, so one parser gives line numbers for
 * both) and validates it. Every problem names the path and the line:
 *   timeline[3].at: expected a duration like "90m", "1h30m" or "7d" (line 41)
 * A file that is not valid YAML gets its first syntax errors only, with line and column, and no
 * schema problems: the schema cannot say anything useful about a document it cannot read.
 */
export interface ScenarioProblem {
  path: string;
  line: number | undefined;
  /** Given for syntax errors, where the line alone is not enough. */
  column?: number | undefined;
  message: string;
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly file: string, readonly problems: ScenarioProblem[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
}

/** The problems as `--json` and the app's editor take them: line null when unknown, column only for a syntax error. */
export function problemRows(err: ScenarioError): { path: string; line: number | null; column?: number; message: string }[] {
  return err.problems.map((p) => ({ path: p.path, line: p.line ?? null, ...(p.column !== undefined ? { column: p.column } : {}), message: p.message }));
}

export function formatProblem(p: ScenarioProblem): string {
  const where = p.line === undefined ? '' : ` (line ${p.line}${p.column !== undefined ? `:${p.column}` : ''})`;
  return `${p.path ? `${p.path}: ` : ''}${p.message}${where}`;
}

export const MAX_SCENARIO_BYTES = 2 * 1024 * 1024;

/** What the KMS the drill will run against can serve, checked beside the schema when it is known. */
export interface ScenarioTarget {
  /** The regions it answers for; a region outside them is refused with its line. */
  regions?: { has(region: string): boolean; problem(region: string): string };
}

export function loadScenarioFile(file: string, target: ScenarioTarget = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'EISDIR' ? 'this is a folder, not a scenario file (YAML or JSON)' : `cannot read the file: ${code ?? (err as Error).message}`;
    throw new ScenarioError(file, [{ path: '', line: undefined, message }]);
  }
  return parseScenarioText(text, file, target);
}

export function parseScenarioText(text: string, file = 'scenario', target: ScenarioTarget = {}): Scenario {
  if (text.length > MAX_SCENARIO_BYTES) throw new ScenarioError(file, [{ path: '', line: undefined, message: `the file is larger than ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB` }]);
  const lines = new LineCounter();
  // merge: YAML 1.1's merge key (`<<: *node`), which hand-written scenarios use to share a node's settings.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) throw new ScenarioError(file, syntaxProblems(doc.errors, text));
  const refs = new YamlReferences(doc, lines);
  const data = toData(refs, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError(file, [{ path: '', line: 1, message: `a scenario is a mapping with name, title, duration, topology, workload… (${basename(file)} holds ${data === null ? 'nothing' : Array.isArray(data) ? 'a list' : typeof data})` }]);
  }
  const result = Scenario.safeParse(data);
  if (result.success) {
    // Every region the scenario names is one of topology.regions (scenario-references.ts): checking those is enough.
    const { regions } = target;
    const unserved = regions ? result.data.topology.regions.flatMap((region, i) => (regions.has(region) ? [] : [{ region, path: ['topology', 'regions', i] }])) : [];
    if (unserved.length === 0) return result.data;
    throw new ScenarioError(file, unserved.map(({ region, path }) => ({ path: formatPath(path), line: lineOf(refs, path), message: regions?.problem(region) ?? '' })));
  }
  const problems = result.error.issues.flatMap((issue): ScenarioProblem[] => {
    // An unknown key is reported where it is written, one problem a key, not at its parent's line;
    // in an expectation or a step, with what its kind allows and the key meant.
    if (issue.code === 'unrecognized_keys') {
      const item = valueAt(data, issue.path);
      return issue.keys.map((key) => {
        const pair = refs.pairAt(issue.path, key);
        return { path: formatPath([...issue.path, key]), line: refs.lineOf(pair?.key) ?? lineOf(refs, issue.path), message: `${unknownKeyMessage(issue.path, key, item)}${yamlHint(pair, key)}` };
      });
    }
    // A required key left out: say so, rather than zod's "expected string, received undefined".
    const key = issue.path.at(-1);
    const parent = valueAt(data, issue.path.slice(0, -1));
    if (issue.code === 'invalid_type' && typeof key === 'string' && parent !== null && typeof parent === 'object' && !Array.isArray(parent) && !(key in parent)) {
      return [{ path: formatPath(issue.path), line: lineOf(refs, issue.path), message: missingKeyMessage(issue.path.slice(0, -1), key, parent) }];
    }
    return [{ path: formatPath(issue.path), line: lineOf(refs, issue.path), message: issueText(issue, valueAt(data, issue.path), 'yaml') }];
  });
  throw new ScenarioError(file, dedupe(problems));
}

/** Syntax errors reported: the first few. Later ones are most often knock-on effects of the first. */
const MAX_SYNTAX_ERRORS = 3;

/**
 * The file's first syntax errors, each with line, column and a short reason. Once the parser meets
 * a token it cannot place ("Unexpected … token in YAML stream", e.g. a stray "}"), it reads the rest
 * of the file as loose tokens and reports every one of them — two hundred errors for one mistake —
 * so only the first such token is reported, saying that nothing after it was checked.
 */
function syntaxProblems(errors: readonly YAMLError[], text: string): ScenarioProblem[] {
  let lost = false;
  const kept = errors.filter((e) => {
    const stream = e.code === 'UNEXPECTED_TOKEN' && / in YAML stream/.test(e.message);
    if (stream && lost) return false;
    lost ||= stream;
    return true;
  });
  const problems = kept.slice(0, MAX_SYNTAX_ERRORS).map((e): ScenarioProblem => ({
    path: '', line: e.linePos?.[0].line, column: e.linePos?.[0].col, message: `syntax error: ${syntaxReason(e, text)}`,
  }));
  const more = kept.length - problems.length;
  if (more > 0) problems.push({ path: '', line: undefined, message: `and ${more} more syntax error${more === 1 ? '' : 's'} after these, often knock-on effects of the first: fix it and validate again` });
  return problems;
}

const CLOSERS: Record<string, string> = { '}': '{', ']': '[' };

/** The parser's reason in a few words, without its own "at line …" and source excerpt. */
function syntaxReason(e: YAMLError, text: string): string {
  const first = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
  const stray = /^Unexpected \S+ token in YAML stream: "(.*)"$/.exec(first);
  if (stray) {
    const token = stray[1] ?? '';
    const opener = CLOSERS[token];
    return `unexpected "${token}"${opener ? `: no "${opener}" is open here to close` : ''}; nothing after it was checked`;
  }
  if (e.code === 'DUPLICATE_KEY') {
    const key = /^\s*(?:"([^"]*)"|'([^']*)'|([^:#\n]*?))\s*:/.exec(text.slice(e.pos[0]));
    const name = key?.[1] ?? key?.[2] ?? key?.[3];
    return name ? `the key "${name}" is written twice in the same mapping` : 'a key is written twice in the same mapping';
  }
  const unclosed = /^Flow (?:sequence|map) in block collection must be sufficiently indented and end with a ([\]}])$/.exec(first);
  if (unclosed) {
    const closer = unclosed[1] ?? '';
    return `a "${CLOSERS[closer] ?? ''}" above is not closed with "${closer}" before this line (or this line is not indented under it)`;
  }
  if (e.code === 'MULTIPLE_DOCS') return 'a second YAML document starts here ("---"): a scenario file holds one';
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/**
 * The document as plain data, once its aliases and merge keys are known to be sound (yaml-references.ts):
 * each problem with them is named with its line, rather than as the parser's exception.
 */
function toData(refs: YamlReferences, file: string): unknown {
  const problems = refs.problems();
  if (problems.length) throw new ScenarioError(file, problems.map((p) => ({ path: formatPath(p.path), line: p.line, message: p.message })));
  return refs.data();
}

/**
 * A word on YAML written for anchors, where a key is unknown: a key that only holds an anchor
 * (`x-node: &node {…}`, a Compose habit) has no place in a scenario, and a quoted "<<" is a plain key.
 */
function yamlHint(pair: Pair | undefined, key: string): string {
  const anchor = firstAnchor(pair?.value);
  if (anchor) return ` (a scenario has no keys only to hold anchors: put &${anchor} on the first value that uses it, and merge it into the others with <<: *${anchor})`;
  return key === '<<' ? ' (a merge key is written unquoted: <<: *name)' : '';
}

/** The first anchor written in `node` or anywhere inside it (`x-defaults: { node: &node … }` holds one a level down). */
function firstAnchor(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  if (node.anchor) return node.anchor;
  const children: unknown[] = isMap(node) ? node.items.map((p) => p.value) : isSeq(node) ? node.items : [];
  for (const child of children) {
    const found = firstAnchor(child);
    if (found) return found;
  }
  return undefined;
}

/** The value at `path` in the document's data (undefined where there is none). */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), data);
}

/** `['timeline', 3, 'at']` -> `timeline[3].at` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '');
}

/** The line of the deepest node on the path that exists (a missing member points at its parent), read through aliases and merges. */
function lineOf(refs: YamlReferences, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const line = refs.lineOf(refs.nodeAt(path.slice(0, depth)));
    if (line !== undefined) return line;
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
