import { describe, expect, it } from 'vitest';
import { KMSServiceException } from '@aws-sdk/client-kms';
import { renderJUnit } from '../../src-main/cli/junit-report';
import type { DrillSummary } from '../../src-main/cli/drill-summary';
import { timeOption, timeRange } from '../../src-main/cli/time-options';
import { UsageError } from '../../src-main/cli/usage-error';
import { backendUnavailable, BackendUnavailableError } from '../../src-main/kms/kms-client-factory';
import { checkJUnit } from '../support/junit-check';
import { childrenNamed } from '../support/xml-tree';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('time options (--start, --end)', () => {
  it.each([
    ['24h', NOW - 24 * 3_600_000],
    ['1h30m', NOW - 90 * 60_000],
    ['1w', NOW - 7 * 86_400_000],
    ['90s', NOW - 90_000],
    ['2026-01-15', Date.UTC(2026, 0, 15)],
    ['2026-01-15T09:00:00Z', Date.UTC(2026, 0, 15, 9)],
    ['2026-01-15T10:00:00+01:00', Date.UTC(2026, 0, 15, 9)],
    ['2026-01-15T10:00+0100', Date.UTC(2026, 0, 15, 9)],
    ['2026-01-15T04:30-04:30', Date.UTC(2026, 0, 15, 9)],
    ['2026-01-15 11:00:00.250+02', Date.UTC(2026, 0, 15, 9, 0, 0, 250)],
    ['1768467600', 1_768_467_600_000],
  ])('reads %s as the scenarios and ISO 8601 write it', (text, ms) => {
    expect(timeOption('start', text, NOW)).toBe(ms);
  });

  it.each(['yesterday', '2026-02-30', '2026-13-01', '2026-01-15T25:00Z', '1y', '-5m', '2026-01-15T09:00'])('refuses %s with the accepted forms (exit 2)', (text) => {
    expect(() => timeOption('start', text, NOW)).toThrow(UsageError);
    expect(() => timeOption('start', text, NOW)).toThrow(/--start must be a time like .*1h30m/);
  });

  it('says to add a zone to a time of day without one', () => {
    expect(() => timeOption('end', '2026-01-15T09:00', NOW)).toThrow(/add the zone: Z for UTC, or an offset like \+01:00/);
  });

  it('refuses a start after the end', () => {
    expect(() => timeRange({ start: '1h', end: '2h' }, NOW)).toThrow(/--start .* is later than --end/);
    expect(timeRange({ start: '2h', end: '1h' }, NOW)).toEqual({ startTime: NOW - 7_200_000, endTime: NOW - 3_600_000 });
  });

  it('a lookup with --start and no --end ends now, as CloudTrail LookupEvents does (drill events may be dated after today)', () => {
    expect(timeRange({ start: '24h' }, NOW, { endDefaultsToNow: true })).toEqual({ startTime: NOW - 86_400_000, endTime: NOW });
    expect(timeRange({ start: '24h', end: '1h' }, NOW, { endDefaultsToNow: true })).toEqual({ startTime: NOW - 86_400_000, endTime: NOW - 3_600_000 });
    expect(timeRange({}, NOW, { endDefaultsToNow: true })).toEqual({ startTime: undefined, endTime: undefined });
    expect(() => timeRange({ start: new Date(NOW + 86_400_000).toISOString() }, NOW, { endDefaultsToNow: true })).toThrow(/is later than --end \(.*: now, the end when --end is not given\)/);
  });
});

function summary(over: Partial<DrillSummary> = {}): DrillSummary {
  return {
    runId: 'demo-s1-abc-20260101t000000-abcd',
    label: 'demo-s1-abc',
    status: 'failed',
    passed: false,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:02.000Z',
    keydrillVersion: '0.1.0',
    reachedAt: 3_600_000,
    scenario: { name: 'demo', title: 'A <demo> & "its" title', seed: 1, duration: 3_600_000, hash: '0123456789abcdef' },
    backend: { kind: 'localstack', endpoint: 'http://localhost:4566', capabilities: {}, simulatedOnClient: [{ step: 2, do: 'key-policy-revoke', note: 'LocalStack stores key policies without enforcing them' }], departures: [] },
    failedSteps: [],
    verdicts: [
      { kind: 'availability', passed: true, summary: 'prod was available 100%', measured: 100, measuredText: '100%', expected: 'at least 99%', expectation: { expect: 'availability' } },
      { kind: 'unreadable-within', passed: false, summary: 'prod stayed readable for 15m (expected within 1m)', measured: 900_000, measuredText: '15m', expected: 'within 1m', expectation: { expect: 'unreadable-within' } },
      { kind: 'kms-calls-at-most', passed: false, summary: 'bad\u0001control & <chars>', measured: null, measuredText: undefined, expected: undefined, expectation: { expect: 'kms-calls-at-most' } },
    ],
    totals: { kmsCalls: 10, cloudTrailRecords: 10, keyOwnerCopies: 0, errorsByCode: {}, clientSideCalls: 0, clientSideByCode: {} },
    dataAtRisk: [],
    eventSetSha256: '0'.repeat(64),
    ...over,
  };
}

describe('JUnit XML of a drill', () => {
  it('has one testcase per expectation, a failure for each that did not hold, counts that agree', () => {
    const doc = checkJUnit(renderJUnit({ kind: 'ran', summary: summary(), seconds: 1.5 }));
    expect(doc.attributes).toMatchObject({ tests: '3', failures: '2', errors: '0' });
    const suite = childrenNamed(doc, 'testsuite')[0]!;
    expect(suite.attributes.name).toBe('A <demo> & "its" title (demo)');
    const cases = childrenNamed(suite, 'testcase');
    expect(cases.map((c) => childrenNamed(c, 'failure').length)).toEqual([0, 1, 1]);
    const failure = childrenNamed(cases[1]!, 'failure')[0]!;
    expect(failure.attributes.type).toBe('unreadable-within');
    expect(failure.text).toContain('measured: 15m');
    expect(failure.text).toContain('expected: within 1m');
    expect(childrenNamed(cases[2]!, 'failure')[0]!.attributes.message).toBe('badcontrol & <chars>');
    const props = childrenNamed(childrenNamed(suite, 'properties')[0]!, 'property');
    expect(props.find((p) => p.attributes.name === 'backend')?.attributes.value).toBe('localstack');
    expect(props.find((p) => p.attributes.name === 'simulatedOnClient.timeline[2]')?.attributes.value).toContain('without enforcing');
  });

  it("carries a fleet's tenants as properties and its one-line summary in the suite's output", () => {
    const tenants = { total: 120, down: 9, minutesUnavailable: 1305, withDataAtRisk: 0, withNodesDownAtEnd: 1, affectedCount: 9,
      affected: [{ cluster: 'acme-001-prod', tenant: 'acme-001', availabilityPercent: 99.641, minutesUnavailable: 155, downFrom: 873_000_000, dataAtRisk: 0, nodesDownAtEnd: 1, nodes: 5 }] };
    const suite = childrenNamed(checkJUnit(renderJUnit({ kind: 'ran', summary: summary({ tenants }), seconds: 1 })), 'testsuite')[0]!;
    const props = Object.fromEntries(childrenNamed(childrenNamed(suite, 'properties')[0]!, 'property').map((p) => [p.attributes.name, p.attributes.value]));
    expect(props).toMatchObject({ 'tenants.total': '120', 'tenants.down': '9', 'tenants.minutesUnavailable': '1305', 'tenants.withDataAtRisk': '0', 'tenants.withNodesDownAtEnd': '1' });
    expect(childrenNamed(suite, 'system-out')[0]!.text).toContain('tenants (clusters): 9 of 120 not serving at some moment, 1,305 minutes in all; 0 with data at risk, 1 with nodes down at the end · worst: acme-001-prod 155 min down, 1/5 nodes down at the end; and 8 more');
    // One tenant's availability is its verdicts' business: no tenant properties.
    const single = childrenNamed(checkJUnit(renderJUnit({ kind: 'ran', summary: summary({ tenants: { ...tenants, total: 1, affectedCount: 0, affected: [] } }), seconds: 1 })), 'testsuite')[0]!;
    expect(childrenNamed(childrenNamed(single, 'properties')[0]!, 'property').some((p) => p.attributes.name?.startsWith('tenants.'))).toBe(false);
  });

  it('names each case by the expectation\'s kind and targets, never by what a run measured', () => {
    const names = (s: DrillSummary) => childrenNamed(childrenNamed(checkJUnit(renderJUnit({ kind: 'ran', summary: s, seconds: 1 })), 'testsuite')[0]!, 'testcase').map((c) => c.attributes.name);
    const verdicts: DrillSummary['verdicts'] = [
      { kind: 'availability', passed: true, summary: 'prod was available 100% of 1h–3h', measured: 100, measuredText: '100%', expected: 'at least 99%', expectation: { expect: 'availability', cluster: 'prod', from: 3_600_000, to: 10_800_000, atLeast: 99 } },
      { kind: 'unreadable-within', passed: true, summary: 'prod unreadable 5m after revoke (allowed 20m)', measured: 300_000, measuredText: '5m', expected: 'within 20m of revoke', expectation: { expect: 'unreadable-within', after: 'revoke', within: 1_200_000 } },
      { kind: 'kms-calls', passed: true, summary: '12 KMS call(s)', measured: 12, measuredText: '12', expected: 'at most 20', expectation: { expect: 'kms-calls', after: 'revoke', within: 600_000, operation: 'Decrypt', atMost: 20 } },
      { kind: 'no-canary-lost', passed: true, summary: 'every canary record written (84) could still be read', measured: 0, measuredText: '0 lost', expected: 'none lost', expectation: { expect: 'no-canary-lost' } },
      { kind: 'no-canary-lost', passed: true, summary: 'every canary record written (84) could still be read', measured: 0, measuredText: '0 lost', expected: 'none lost', expectation: { expect: 'no-canary-lost', cluster: 'prod' } },
      { kind: 'no-canary-lost', passed: true, summary: 'every canary record written (84) could still be read', measured: 0, measuredText: '0 lost', expected: 'none lost', expectation: { expect: 'no-canary-lost', cluster: 'prod' } },
    ];
    const other = verdicts.map((v, i) => ({ ...v, passed: i % 2 === 0, summary: `${v.summary} but otherwise (${i})`, measured: 7, measuredText: '7 of something' }));
    const expected = [
      'availability cluster=prod from=1h to=3h',
      'unreadable-within after=revoke',
      'kms-calls after=revoke within=10m operation=Decrypt',
      'no-canary-lost',
      'no-canary-lost cluster=prod',
      'no-canary-lost cluster=prod #2',
    ];
    expect(names(summary({ verdicts }))).toEqual(expected);
    expect(names(summary({ verdicts: other, runId: 'demo-s1-abc-20260102t000000-ef01' }))).toEqual(expected);
  });

  it('reports a drill that could not run as one errored case', () => {
    const doc = checkJUnit(renderJUnit({ kind: 'could-not-run', scenario: 'demo', title: 'Demo', message: "LocalStack's KMS at http://127.0.0.1:1 is unreachable", seconds: 0.1 }));
    expect(doc.attributes).toMatchObject({ tests: '1', failures: '0', errors: '1' });
    const error = childrenNamed(childrenNamed(childrenNamed(doc, 'testsuite')[0]!, 'testcase')[0]!, 'error')[0]!;
    expect(error.attributes.message).toContain('unreachable');
  });

  it('adds an errored case to a cancelled drill', () => {
    const doc = checkJUnit(renderJUnit({ kind: 'ran', summary: summary({ status: 'cancelled', verdicts: [] }), seconds: 2 }));
    expect(doc.attributes).toMatchObject({ tests: '1', failures: '0', errors: '1' });
  });

  it('stamps the suite with the time the drill started, as JUnit does, not the time it ended', () => {
    const xml = renderJUnit({ kind: 'ran', summary: summary(), seconds: 5.2 }, new Date('2026-12-06T14:55:27.400Z'));
    expect(xml).toContain('timestamp="2026-12-06T14:55:22"');
  });

  it('the checker itself refuses counts that disagree and malformed XML', () => {
    const xml = renderJUnit({ kind: 'ran', summary: summary(), seconds: 1 });
    expect(() => checkJUnit(xml.replace('failures="2" errors="0" skipped', 'failures="1" errors="0" skipped'))).toThrow(/failures=1 but holds 2/);
    expect(() => checkJUnit(xml.replace('</testcase>', ''))).toThrow(/closes/);
    expect(() => checkJUnit(xml.replace('<testsuites ', '<results '))).toThrow(/closes|not <testsuites>/);
  });
});

describe('a backend that cannot be used is told apart from a drill outcome', () => {
  it('classifies refused connections, timeouts and credential errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    const a = backendUnavailable(refused, 'localstack', 'http://127.0.0.1:4566');
    expect(a).toBeInstanceOf(BackendUnavailableError);
    expect(a?.reason).toBe('unreachable');
    expect(a?.message).toContain('http://127.0.0.1:4566 is unreachable');
    const happyEyeballs = Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], ''), {});
    expect(backendUnavailable(happyEyeballs, 'localstack', undefined)?.reason).toBe('unreachable');
    const creds = new KMSServiceException({ name: 'UnrecognizedClientException', $fault: 'client', message: 'The security token included in the request is invalid.', $metadata: {} });
    expect(backendUnavailable(creds, 'aws', undefined)?.reason).toBe('credentials');
    expect(backendUnavailable(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'aws', undefined)?.reason).toBe('credentials');
  });

  // An input trial read "the embedded KMS at AWS KMS refused the credentials": every backend was put as "the <kind> KMS at <endpoint or AWS KMS>".
  it('names the backend as a sentence does: the embedded KMS, LocalStack at its endpoint, AWS KMS', () => {
    const signature = new KMSServiceException({ name: 'InvalidSignatureException', $fault: 'client', message: "Credential should be scoped to a valid region, not 'us-east-9'. ", $metadata: {} });
    expect(backendUnavailable(signature, 'embedded', undefined)?.message).toBe("the embedded KMS refused the credentials (InvalidSignatureException: Credential should be scoped to a valid region, not 'us-east-9'. )");
    expect(backendUnavailable(signature, 'aws', undefined)?.message).toMatch(/^AWS KMS at its regional endpoints refused the credentials/);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    expect(backendUnavailable(refused, 'localstack', 'http://127.0.0.1:4566')?.message).toMatch(/^LocalStack's KMS at http:\/\/127\.0\.0\.1:4566 is unreachable/);
  });

  it('leaves the errors a drill provokes alone', () => {
    const disabled = new KMSServiceException({ name: 'DisabledException', $fault: 'client', message: 'key is disabled', $metadata: {} });
    expect(backendUnavailable(disabled, 'aws', undefined)).toBeUndefined();
    expect(backendUnavailable(new Error('something else'), 'aws', undefined)).toBeUndefined();
  });
});
