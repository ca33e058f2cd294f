/**
 * Reads pytest's JUnit report of the LocalStack KMS suite and says how many in-scope items passed,
 * which failures are the documented stale recordings, and what the others compared differently.
 */
export interface SuiteConfig {
  repository: string;
  commit: string;
  commitDate: string;
  floor: number;
  expectedFailures: { id: string; why: string; aws: string }[];
}

export interface CaseResult {
  /** `Class::test_name[params]`, the tail of a pytest node id. */
  key: string;
  outcome: 'passed' | 'failed' | 'skipped';
  detail: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e] ?? whole;
  });
}

function attribute(tag: string, name: string): string {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1] ?? '') : '';
}

/** pytest's JUnit XML: one <testcase> per item, with a <failure>, <error> or <skipped> child when not passed. */
export function parseJUnit(xml: string): CaseResult[] {
  const results: CaseResult[] = [];
  const testcase = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(testcase)) {
    const open = `<testcase${m[1] ?? ''}>`;
    const body = m[3] ?? '';
    const cls = attribute(open, 'classname').split('.').pop() ?? '';
    const key = `${cls}::${attribute(open, 'name')}`;
    const problem = /<(failure|error)\b([^>]*)>([\s\S]*?)<\/\1>|<(failure|error)\b([^>]*)\/>/.exec(body);
    if (problem) {
      results.push({ key, outcome: 'failed', detail: unescapeXml(`${attribute(`<x${problem[2] ?? problem[5] ?? ''}>`, 'message')}\n${problem[3] ?? ''}`) });
    } else if (/<skipped\b/.test(body)) {
      results.push({ key, outcome: 'skipped', detail: '' });
    } else {
      results.push({ key, outcome: 'passed', detail: '' });
    }
  }
  return results;
}

/** Terminal colour codes in the snapshot diffs; pytest writes ESC into XML as a literal `#x1B`. */
const ANSI_COLOUR = new RegExp(`(${String.fromCharCode(27)}|#x1B)\\[[0-9;]*m`, 'g');

/** The lines of a failure that say what differed: snapshot mismatches and assertion lines. */
export function failureLines(detail: string, max = 8): string[] {
  const lines = detail
    .replace(ANSI_COLOUR, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(>> match key|\(~\)|\(\+\)|\(-\)|E {2,}\S|Failed:|AssertionError)/.test(l))
    .map((l) => (l.length > 220 ? `${l.slice(0, 217)}...` : l));
  const unique = [...new Set(lines)];
  return unique.length > max ? [...unique.slice(0, max), `... ${unique.length - max} more lines`] : unique;
}

const short = (id: string): string => id.replace(/^tests\/aws\/services\/kms\/test_kms\.py::/, '');

/**
 * For the embedded KMS the floor is enforced and the stale recordings are expected failures; for
 * LocalStack the figure is only reported.
 */
export function summarise(results: CaseResult[], ids: string[], config: SuiteConfig, target: 'embedded' | 'localstack'): { text: string; passed: number; belowFloor: boolean } {
  const enforceFloor = target === 'embedded';
  const byKey = new Map(results.map((r) => [r.key, r]));
  const expected = new Map(enforceFloor ? config.expectedFailures.map((e) => [e.id, e]) : []);
  let passed = 0;
  const lines: string[] = [];
  const stale: string[] = [];
  for (const id of ids) {
    const result = byKey.get(short(id));
    if (result?.outcome === 'passed') {
      passed++;
      if (expected.has(id)) lines.push(`  passes now (was expected to fail on a stale recording): ${short(id)}`);
      continue;
    }
    const why = expected.get(id);
    if (why && result?.outcome === 'failed') {
      stale.push(`  expected  ${short(id)}\n            ${why.why}\n            AWS today: ${why.aws}`);
      continue;
    }
    lines.push(`  FAILED    ${short(id)}`);
    if (!result) lines.push('            not run (missing from the JUnit report)');
    else if (result.outcome === 'skipped') lines.push('            skipped');
    else lines.push(...failureLines(result.detail).map((l) => `            ${l}`));
  }
  const belowFloor = enforceFloor && passed < config.floor;
  const head = `  ${passed} of ${ids.length} passed${enforceFloor ? ` (floor ${config.floor}${belowFloor ? ': BELOW THE FLOOR' : ''})` : ''}; ${stale.length} expected failure${stale.length === 1 ? '' : 's'} on recordings older than today's AWS; ${ids.length - passed - stale.length} other failure${ids.length - passed - stale.length === 1 ? '' : 's'}`;
  return { text: [head, ...stale, ...lines].join('\n'), passed, belowFloor };
}
