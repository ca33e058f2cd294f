import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
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
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError(file, [{ path: '', line: 1, message: `a scenario is a mapping with name, title, duration, topology, workload… (${basename(file)} holds ${data === null ? 'nothing' : Array.isArray(data) ? 'a list' : typeof data})` }]);
  }
  const result = Scenario.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    line: lineOf(doc, lines, issue.path),
    message: issue.message,
  }));
  throw new ScenarioError(file, dedupe(problems));
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
