import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src-main/report/html-report';
import type { Series } from '../../src-shared/run-record';
import { ownSlotLook } from '../../src-shared/series-looks';
import { ownLook as appLook } from '../../src-renderer/src/charts/series-looks';
import { sampleRunRecord } from '../fixtures/sample-run-record';
import { themeVariables } from '../support/colour-contrast';

/**
 * The report's charts of operations, regions and error codes draw each key as the app does: an
 * auditor comparing the app's chart with the report's, or the reports of two runs, sees Decrypt in
 * one blue, whatever else is charted and in whatever order the run met them.
 */
type Charted = Record<'kmsCallsByRegion' | 'kmsCallsByOperation' | 'errorsByCode' | 'clientSideByCode', string[]>;

/** The sample run's report with these keys charted, each counting a call an hour. */
function reportCharting(keys: Partial<Charted>): string {
  const record = sampleRunRecord();
  const points: Series['points'] = [0, 1, 2, 3, 4, 5].map((h) => [h * 3_600_000, 1]);
  for (const [name, labels] of Object.entries(keys)) record.series[name as keyof Charted] = labels.map((label) => ({ label, points }));
  return renderHtmlReport(record);
}

/** The app's colour of `key` on its light theme (styles.css), where the app's look is a var(). */
function appColour(key: string): string {
  const name = /^var\((--[\w-]+)\)$/.exec(appLook(key).colour)?.[1] as string;
  return themeVariables(':root')[name] as string;
}

/** The markup of chart `kind`, from its <svg> to its </svg>. */
function chartOf(page: string, kind: string): string {
  const start = page.indexOf(`<svg id="chart-${kind}"`);
  expect(start, `chart ${kind}`).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf('</svg>', start));
}

/** How chart `kind` draws `label`: its colour and hatch (a bar's pattern), or dashed (a line). */
function drawn(page: string, kind: string, label: string): { colour: string; hatch: string } {
  const svg = chartOf(page, kind);
  const group = new RegExp(`<g class="series" data-series="${label}"( fill="([^"]+)")?>(<path [^>]*stroke="([^"]+)"[^>]*>)?`).exec(svg);
  expect(group, `${label} in ${kind}`).not.toBeNull();
  const [, , fill, path, stroke] = group as RegExpExecArray;
  if (path) return { colour: stroke as string, hatch: /stroke-dasharray/.test(path) ? 'dashed' : 'solid' };
  const pattern = /^url\(#([\w-]+)\)$/.exec(fill as string)?.[1];
  if (!pattern) return { colour: fill as string, hatch: 'solid' };
  const defined = new RegExp(`<pattern id="${pattern}"[^>]*data-hatch="([\\w-]+)"[^>]*><rect [^>]*fill="([^"]+)"`).exec(svg);
  expect(defined, `pattern ${pattern} defined in ${kind}`).not.toBeNull();
  return { colour: defined?.[2] as string, hatch: defined?.[1] as string };
}

/** The legend entry of `label` under chart `kind`. */
function legendItem(page: string, kind: string, label: string): string {
  const after = page.slice(page.indexOf(`<svg id="chart-${kind}"`));
  const list = after.slice(after.indexOf('<ul class="legend">'), after.indexOf('</ul>'));
  return list.split(/(?=<li)/).find((li) => li.endsWith(`>${label}</li>`)) ?? '';
}

describe("the report's charts of operations, regions and error codes", () => {
  it("draw Decrypt in the app's blue whatever other operations are charted, and in whatever order", () => {
    const blue = appColour('Decrypt');
    expect(blue).toBe('#2563eb');
    for (const operations of [['Decrypt'], ['GenerateDataKey', 'Decrypt'], ['Sign', 'ReEncrypt', 'Encrypt', 'CreateKey', 'Decrypt'], ['Decrypt', 'Verify', 'GenerateMac', 'DescribeKey']]) {
      expect(drawn(reportCharting({ kmsCallsByOperation: operations }), 'kms-calls-by-operation', 'Decrypt'), operations.join(', ')).toEqual({ colour: blue, hatch: 'solid' });
    }
    // The sample run charts Decrypt second (after the region failover its order would differ again).
    expect(drawn(renderHtmlReport(sampleRunRecord()), 'kms-calls-by-operation', 'GenerateDataKey').colour).toBe(appColour('GenerateDataKey'));
  });

  it("draw a region in the app's colour whichever regions share the chart", () => {
    for (const regions of [['us-west-2', 'us-east-1'], ['us-east-1'], ['eu-west-1', 'sa-east-1', 'us-west-2']]) {
      const page = reportCharting({ kmsCallsByRegion: regions });
      for (const region of regions) expect(drawn(page, 'kms-calls-by-region', region).colour, `${region} among ${regions.join(', ')}`).toBe(appColour(region));
    }
  });

  it("draw an error code in the app's colour and hatch, in the failed calls and in the calls that never reached KMS", () => {
    for (const codes of [['AccessDeniedException'], ['ThrottlingException', 'DisabledException', 'AccessDeniedException']]) {
      const page = reportCharting({ errorsByCode: codes, clientSideByCode: codes });
      for (const kind of ['errors-by-code', 'client-side-by-code']) {
        for (const code of codes) expect(drawn(page, kind, code), `${code} among ${codes.join(', ')}`).toEqual({ colour: appColour(code), hatch: appLook(code).hatch });
      }
    }
    expect(appLook('AccessDeniedException').hatch).toBe('diagonal');
  });

  it('hatch the later of two lookalike codes, in its bars and its legend swatch, repainting neither', () => {
    const unknown = ['QuotaExceeded', 'RequestExpired', 'SlowDown', 'InternalFailure', 'ServiceUnavailable', 'RequestTimeout', 'Conflict', 'Gone', 'Teapot'];
    const [first, second] = unknown.flatMap((a) => unknown.filter((b) => a < b && ownSlotLook(a).slot === ownSlotLook(b).slot).map((b) => [a, b] as const))[0] ?? [];
    expect(first, 'no two names share a colour: add names').toBeDefined();
    const page = reportCharting({ errorsByCode: [second as string, first as string, 'AccessDenied'] });
    const colour = appColour(first as string);
    // Both hashed to slot 7, whose solid is ReplicateKey's and diagonal UpdatePrimaryRegion's: the
    // first takes the next hatch no fixed key has, the second the one after.
    expect(drawn(page, 'errors-by-code', first as string)).toEqual({ colour, hatch: 'back-diagonal' });
    expect(drawn(page, 'errors-by-code', second as string)).toEqual({ colour, hatch: 'horizontal' });
    expect(drawn(page, 'errors-by-code', 'AccessDenied')).toEqual({ colour: appColour('AccessDenied'), hatch: 'solid' });
    const swatch = legendItem(page, 'errors-by-code', second as string);
    expect(swatch).toMatch(new RegExp(`<pattern id="([\\w-]+)"[^>]*data-hatch="horizontal"[^>]*><rect [^>]*fill="${colour}"`));
    expect(swatch).toContain(`fill="url(#${/<pattern id="([\w-]+)"/.exec(swatch)?.[1]})"`);
    expect(legendItem(page, 'errors-by-code', first as string)).toContain('data-hatch="back-diagonal"');
  });

  it('dash the line of a hatched operation beside its lookalike, and say so under the chart', () => {
    const page = reportCharting({ kmsCallsByOperation: ['GenerateDataKeyWithoutPlaintext', 'GenerateDataKey', 'Decrypt'] });
    const amber = appColour('GenerateDataKey');
    expect(drawn(page, 'kms-calls-by-operation', 'GenerateDataKey')).toEqual({ colour: amber, hatch: 'solid' });
    expect(drawn(page, 'kms-calls-by-operation', 'GenerateDataKeyWithoutPlaintext')).toEqual({ colour: amber, hatch: 'dashed' });
    expect(legendItem(page, 'kms-calls-by-operation', 'GenerateDataKeyWithoutPlaintext')).toContain('data-hatch="diagonal"');
    expect(page).toContain('A dashed line: ');
  });

  it('define no pattern in a chart where every key is solid', () => {
    const page = reportCharting({ kmsCallsByRegion: ['us-east-1', 'us-west-2'], errorsByCode: ['AccessDenied', 'ThrottlingException'] });
    for (const kind of ['kms-calls-by-region', 'errors-by-code']) expect(chartOf(page, kind)).not.toContain('<pattern');
    expect(page).not.toContain('A dashed line: ');
  });
});
