import { writeFile } from 'node:fs/promises';
import { formatDuration } from '../../src-shared/duration';
import { isFleet } from '../../src-shared/tenant-ranking';
import { describeFailedStep, describeTenants, type DrillSummary } from './drill-summary';
import { counted } from '../../src-shared/count';

/**
 * A drill's verdicts as JUnit XML, the format CI systems (GitHub Actions, GitLab, Jenkins, Azure
 * Pipelines) show as test results: one <testsuite> per drill, one <testcase> per expectation, a
 * <failure> for each one that did not hold, and one <error> case when the drill could not run or
 * was cancelled. Counts in the suite and the root agree with the cases. Steps that failed when
 * played are no test cases (they do not change the verdicts): the suite's system-out lists them,
 * as CI test views show it, and a property names each. A fleet's tenants (how many were down, for
 * how long) are properties too, and its one-line summary is in the suite's system-out.
 */
export type JUnitOutcome =
  | { kind: 'ran'; summary: DrillSummary; seconds: number }
  | { kind: 'could-not-run'; scenario: string; title: string; message: string; seconds: number };

/** `endedAt`: when the drill ended; the suite's timestamp is when it started, as JUnit's is, `seconds` before. */
export function renderJUnit(outcome: JUnitOutcome, endedAt = new Date()): string {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let suiteName: string;
  const properties: [string, string][] = [];
  const stamp = new Date(endedAt.getTime() - Math.round(outcome.seconds * 1000)).toISOString().replace(/\.\d+Z$/, '');
  if (outcome.kind === 'ran') {
    const s = outcome.summary;
    suiteName = `${s.scenario.title} (${s.scenario.name})`;
    properties.push(['runId', s.runId], ['backend', s.backend.kind], ['seed', String(s.scenario.seed)], ['status', s.status]);
    if (s.backend.endpoint) properties.push(['endpoint', s.backend.endpoint]);
    s.backend.simulatedOnClient.forEach((n) => properties.push([`simulatedOnClient.timeline[${n.step}]`, `${n.do}: ${n.note}`]));
    s.failedSteps.forEach((f) => properties.push([`failedStep.timeline[${f.step}]`, `${f.do} at ${formatDuration(f.at)}: ${f.detail}`]));
    // A fleet's tenants as numbers a CI dashboard can follow from run to run, whatever the verdicts held.
    const t = s.tenants;
    if (t && isFleet(t)) {
      properties.push(['tenants.total', String(t.total)], ['tenants.down', String(t.down)], ['tenants.minutesUnavailable', String(Math.round(t.minutesUnavailable))]);
      // A run stopped before its end never checked its data at risk: no number is given, rather than a 0 a dashboard would chart.
      if (t.withDataAtRisk !== null) properties.push(['tenants.withDataAtRisk', String(t.withDataAtRisk)]);
      properties.push(['tenants.withNodesDownAtEnd', String(t.withNodesDownAtEnd)]);
    }
    const classname = `keydrill.${s.scenario.name}`;
    const names = testCaseNames(s.verdicts);
    s.verdicts.forEach((v, i) => {
      const name = names[i] as string;
      const measured = v.measuredText ?? (v.measured === null ? 'nothing measured' : String(v.measured));
      // What this run measured goes in the case's output, never in its name (see testCaseNames).
      const body = [v.summary, `expectation: expectations[${i}] ${JSON.stringify(v.expectation)}`, `expected: ${v.expected ?? JSON.stringify(v.expectation)}`, `measured: ${measured}`, `backend: ${s.backend.kind}`, `run: ${s.runId}`].join('\n');
      if (v.passed) {
        cases.push(`    <testcase classname="${attr(classname)}" name="${attr(name)}" time="0">\n      <system-out>${text(body)}</system-out>\n    </testcase>`);
        return;
      }
      failures++;
      cases.push(`    <testcase classname="${attr(classname)}" name="${attr(name)}" time="0">\n      <failure message="${attr(v.summary)}" type="${attr(v.kind)}">${text(body)}</failure>\n    </testcase>`);
    });
    if (s.status === 'cancelled' || s.status === 'interrupted') {
      errors++;
      cases.push(`    <testcase classname="${attr(classname)}" name="drill completed" time="${outcome.seconds.toFixed(3)}">\n      <error message="the drill was ${s.status} before its end" type="${s.status}">${text(`run ${s.runId} was ${s.status} before its end; its verdicts were not judged.`)}</error>\n    </testcase>`);
    }
  } else {
    suiteName = `${outcome.title} (${outcome.scenario})`;
    errors++;
    cases.push(`    <testcase classname="keydrill.${attr(outcome.scenario)}" name="drill could run" time="${outcome.seconds.toFixed(3)}">\n      <error message="${attr(outcome.message)}" type="could-not-run">${text(outcome.message)}</error>\n    </testcase>`);
  }
  const tests = cases.length;
  const seconds = outcome.seconds.toFixed(3);
  const props = properties.length ? `    <properties>\n${properties.map(([n, v]) => `      <property name="${attr(n)}" value="${attr(v)}"/>`).join('\n')}\n    </properties>\n` : '';
  const duration = outcome.kind === 'ran' ? ` (${formatDuration(outcome.summary.scenario.duration)} of drill time)` : '';
  const failed = outcome.kind === 'ran' ? outcome.summary.failedSteps : [];
  const failedSteps = failed.length ? [`${counted(failed.length, 'step')} failed when played (the verdicts judge what followed):`, ...failed.map((f) => `  ${describeFailedStep(f)}`)] : [];
  const tenants = outcome.kind === 'ran' ? describeTenants(outcome.summary) : undefined;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="keydrill" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    `  <testsuite name="${attr(suiteName)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds}" timestamp="${stamp}" hostname="keydrill">`,
    `${props}${cases.join('\n')}`,
    `    <system-out>${text([`KeyDrill drill${duration}`, ...(tenants ? [tenants] : []), ...failedSteps].join('\n'))}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Fields that bound what is measured (how much, how many, which outcome) rather than say what is measured. */
const BOUNDS = new Set(['atLeast', 'atMost', 'count', 'lost', 'allIn', 'allSucceed']);
/** Kinds whose `within` is the time allowed (a bound); elsewhere (kms-calls) it is the window counted. */
const WITHIN_IS_BOUND = new Set(['unreadable-within', 'readable-within', 'error-code-after']);
const DURATIONS = new Set(['from', 'to', 'within']);

/**
 * A name per verdict that CI systems can follow from run to run: the expectation's kind and what it
 * looks at (cluster, node, region, operation, the step it follows, the window…), never what a run
 * measured nor the bound it is held to — "availability cluster=prod from=1h20m to=3h". Two
 * expectations that look at the same thing are told apart by their order: "… #2".
 */
export function testCaseNames(verdicts: readonly Pick<DrillSummary['verdicts'][number], 'kind' | 'expectation'>[]): string[] {
  const seen = new Map<string, number>();
  return verdicts.map(({ kind, expectation }) => {
    const targets = Object.entries(expectation)
      .filter(([field, value]) => field !== 'expect' && value !== undefined && value !== null && !BOUNDS.has(field) && !(field === 'within' && WITHIN_IS_BOUND.has(kind)) && !(field === 'from' && value === 0))
      .map(([field, value]) => `${field}=${DURATIONS.has(field) && typeof value === 'number' ? formatDuration(value) : typeof value === 'string' ? value : JSON.stringify(value)}`);
    const base = [kind, ...targets].join(' ');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

/** `endedAt` as renderJUnit takes it: now for a drill that just ended, the saved run's end for one exported again. */
export async function writeJUnit(file: string, outcome: JUnitOutcome, endedAt?: Date): Promise<{ file: string; bytes: number }> {
  const xml = renderJUnit(outcome, endedAt);
  await writeFile(file, xml, 'utf8');
  return { file, bytes: Buffer.byteLength(xml) };
}

/** XML 1.0 cannot carry most control characters even escaped: they are dropped. */
function clean(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
