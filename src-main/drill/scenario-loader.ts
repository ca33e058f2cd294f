import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import { Scenario } from '../../src-shared/scenario';
import { missingKeyMessage, unknownKeyMessage } from '../../src-shared/scenario-keys';
import { issueText } from '../../src-shared/issue-text';

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
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ScenarioError(file, syntaxProblems(doc.errors, text));
  const data = toData(doc, lines, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError(file, [{ path: '', line: 1, message: `a scenario is a mapping with name, title, duration, topology, workload… (${basename(file)} holds ${data === null ? 'nothing' : Array.isArray(data) ? 'a list' : typeof data})` }]);
  }
  const result = Scenario.safeParse(data);
  if (result.success) {
    // Every region the scenario names is one of topology.regions (scenario-references.ts): checking those is enough.
    const { regions } = target;
    const unserved = regions ? result.data.topology.regions.flatMap((region, i) => (regions.has(region) ? [] : [{ region, path: ['topology', 'regions', i] }])) : [];
    if (unserved.length === 0) return result.data;
    throw new ScenarioError(file, unserved.map(({ region, path }) => ({ path: formatPath(path), line: lineOf(doc, lines, path), message: regions?.problem(region) ?? '' })));
  }
  const problems = result.error.issues.flatMap((issue): ScenarioProblem[] => {
    // An unknown key is reported where it is written, one problem a key, not at its parent's line;
    // in an expectation or a step, with what its kind allows and the key meant.
    if (issue.code === 'unrecognized_keys') {
      const item = valueAt(data, issue.path);
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), line: keyLine(doc, lines, issue.path, key), message: unknownKeyMessage(issue.path, key, item) }));
    }
    // A required key left out: say so, rather than zod's "expected string, received undefined".
    const key = issue.path.at(-1);
    const parent = valueAt(data, issue.path.slice(0, -1));
    if (issue.code === 'invalid_type' && typeof key === 'string' && parent !== null && typeof parent === 'object' && !Array.isArray(parent) && !(key in parent)) {
      return [{ path: formatPath(issue.path), line: lineOf(doc, lines, issue.path), message: missingKeyMessage(issue.path.slice(0, -1), key, parent) }];
    }
    return [{ path: formatPath(issue.path), line: lineOf(doc, lines, issue.path), message: issueText(issue, valueAt(data, issue.path), 'yaml') }];
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

/** The value at `path` in the document's data (undefined where there is none). */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), data);
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
