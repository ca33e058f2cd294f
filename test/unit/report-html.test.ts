import { eventIdOf } from '../../src-main/drill/run-trail';
import { callsEvidence } from '../../src-main/report/html/evidence';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { sampleRunRecord, unmeasuredRunRecord } from '../fixtures/sample-run-record';

const CHARTS = ['hierarchy', 'timeline', 'availability', 'kms-calls-by-region', 'kms-calls-by-operation', 'errors-by-code', 'cache-hit-ratio'];

/** The opening tag of the element with this id. */
function tagWithId(html: string, id: string): string {
  const match = html.match(new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`));
  if (!match) throw new Error(`no element with id ${id}`);
  return match[0];
}

/** The markup of one chart, from its <svg> to its </svg>. */
function chart(html: string, kind: string): string {
  const start = html.indexOf(`<svg id="chart-${kind}"`);
  expect(start, `chart ${kind}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</svg>', start) + 6);
}

describe('the HTML report', () => {
  const record = sampleRunRecord();
  const html = renderHtmlReport(record);

  it('has every section an auditor reads: verdicts, backend, topology, timeline, measurements, data at risk, totals, integrity', () => {
    for (const id of ['summary', 'verdicts', 'backend', 'topology', 'timeline', 'measurements', 'data-at-risk', 'totals', 'integrity', 'evidence-index', 'definition']) {
      expect(html, `section ${id}`).toContain(`id="${id}"`);
    }
    expect(html).toContain(record.scenario.title);
    expect(tagWithId(html, 'overall-verdict')).toContain('data-passed="false"');
    expect(html).toContain('1 of 7 expectations not met');
    expect(html).toContain('LocalStack does not enforce key policies');
    expect(html).toContain(`<code id="event-set-sha256">${record.execution.eventSetSha256}</code>`);
    expect(html).toContain(`SHA-256 over the run&#39;s ${record.eventCount} CloudTrail records`);
    expect(html).toContain('$0.11');
    expect(html).toContain('recovery points at 90m, 150m, 210m');
  });

  it('labels a CMK material id "key material ID", so the id does not read as the key material itself', () => {
    const material = record.hierarchy.nodes.find((n) => n.cmkMaterialId)?.cmkMaterialId as string;
    expect(material).toBeTruthy();
    expect(html).toContain(`key material ID ${material}`);
    expect(html).not.toMatch(/[^ ]material [0-9a-f]{8}/);
  });

  it('draws each chart as inline SVG with an id and a data-chart attribute', () => {
    for (const kind of CHARTS) {
      const tag = tagWithId(html, `chart-${kind}`);
      expect(tag).toMatch(/^<svg /);
      expect(tag).toContain(`data-chart="${kind}"`);
      expect(tag).not.toContain('data-empty');
    }
    expect(chart(html, 'availability').match(/<g class="series panel"/g)).toHaveLength(2);
    expect(chart(html, 'hierarchy')).toContain('data-nodes="6"');
    expect(chart(html, 'timeline')).toContain(`data-entries="${record.timeline.length}"`);
  });

  it('shows every cited CloudTrail event ID as a code element that can be linked to, and links verdicts to it', () => {
    const failed = record.verdicts.find((v) => !v.passed);
    const id = eventIdOf(record.execution.runId, failed?.evidence.records[0] as number);
    expect(html).toContain(`<code id="ev-${id}">${id}</code>`);
    expect(html).toContain(`<a href="#ev-${id}"><code>${id}</code></a>`);
    const anchors = [...html.matchAll(/<code id="ev-([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(anchors).size).toBe(anchors.length);
    const cited = new Set([...record.verdicts.flatMap((v) => v.evidence.records), ...record.timeline.flatMap((t) => callsEvidence(t).records)]);
    expect(anchors.length).toBe(cited.size);
  });

  it('never shows a 100% cache hit ratio for a run whose cache missed (a fleet’s misses are a sliver of its hits)', () => {
    const fleet = sampleRunRecord();
    fleet.totals = { ...fleet.totals, cacheHits: 2_499_999, cacheMisses: 1, cacheHitRatio: 2_499_999 / 2_500_000 };
    const out = renderHtmlReport(fleet);
    expect(out).toContain('<div class="value">&gt;99.999%</div><div class="label">key cache hit ratio</div>');
    expect(out).toContain('Cache hit ratio &gt;99.999%');
    expect(out).not.toContain('100.000%');
  });

  it('counts no tenants for a kind of event about a zone, a region or a key, rather than "0" tenants', () => {
    const fleet = sampleRunRecord();
    const first = fleet.timeline.length;
    // Past the full timeline's limit, the report groups observed events by kind.
    const zoneEvents = Array.from({ length: 400 }, (_, i) => ({ seq: first + i, at: 4 * 3_600_000 + i, kind: 'event' as const, name: 'zone-outage-ended', detail: 'us-east-1a is back', outcome: 'ok' as const, principal: 'KeyDrill fault injector', calls: { from: 1, count: 0 } }));
    fleet.timeline = [...fleet.timeline, ...zoneEvents];
    const out = renderHtmlReport(fleet);
    const row = out.match(/<tr data-event="zone-outage-ended" data-outcome="ok">.*?<\/tr>/s)?.[0] ?? '';
    expect(row).toContain('<td class="num">400</td><td class="num"><span title="These entries are about a zone, a region or a key, not one tenant">—</span></td>');
    expect(out).toMatch(/<tr data-event="cluster started" data-outcome="ok"><td><strong>cluster started<\/strong><\/td><td><span class="pill ok">ok<\/span><\/td><td class="num">\d+<\/td><td class="num">[1-9]\d*<\/td>/);
  });

  it('escapes scenario text: a <script> or an onerror attribute in the record is shown as text, never run', () => {
    const hostile = sampleRunRecord();
    hostile.scenario.description = '<script>alert(1)</script>';
    hostile.scenario.title = '"><img src=x onerror=alert(2)>';
    hostile.verdicts[0]!.summary = '<svg onload=alert(3)>';
    hostile.timeline[0]!.detail = "' onmouseover='alert(4)";
    hostile.series.availability[0]!.label = '</text><script>alert(5)</script>';
    hostile.topology.keys[0]!.id = '<b>key</b>';
    hostile.dataAtRisk[0]!.what = '<iframe src=javascript:alert(6)>';
    const out = renderHtmlReport(hostile);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(out).toContain('&lt;svg onload=alert(3)&gt;');
    expect(out).toContain('&#39; onmouseover=&#39;alert(4)');
    expect(out.match(/<script|<img|<iframe|<svg onload|<b>key/i)).toBeNull();
    // No tag anywhere carries an event handler attribute (the escaped text above has no raw "<").
    expect(out.match(/<[^>]*\son[a-z]+=/i)).toBeNull();
  });

  it('references nothing outside itself: no script, no external URL, only in-page links', () => {
    expect(html.match(/<script/i)).toBeNull();
    // The only URL is the endpoint the drill called, printed as text for the auditor.
    expect(html.match(/https?:\/\/[^<\s]*/g)?.every((u) => u === record.execution.endpoint)).toBe(true);
    expect(html.match(/(href|src|action)="[a-z]+:/i)).toBeNull();
    // url() only names a pattern drawn in the page (a hatched series), never a file or a host.
    for (const [, target] of html.matchAll(/url\(([^)]*)\)/gi)) {
      expect(target).toMatch(/^#[\w-]+$/);
      expect(html).toContain(`<pattern id="${target?.slice(1)}"`);
    }
    expect(html.match(/\ssrc=/i)).toBeNull();
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] as string);
    expect(hrefs.length).toBeGreaterThan(10);
    for (const href of hrefs) expect(href).toMatch(/^#/);
    expect(tagWithId(html, 'csp')).toContain('content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:"');
  });

  it('keeps a URL written in the scenario as escaped text, not as a link', () => {
    const withUrl = sampleRunRecord();
    withUrl.scenario.source = 'https://runbooks.example.com/kms?a=1&b="2"';
    const out = renderHtmlReport(withUrl);
    expect(out).toContain('<dd>https://runbooks.example.com/kms?a=1&amp;b=&quot;2&quot;</dd>');
    expect(out.match(/https:\/\//g)).toHaveLength(1);
    expect(out.match(/(href|src)="https?:/)).toBeNull();
  });

  it('says "no data" in a chart with nothing to draw instead of leaving an empty frame', () => {
    const out = renderHtmlReport(unmeasuredRunRecord());
    for (const kind of ['availability', 'kms-calls-by-region', 'kms-calls-by-operation', 'errors-by-code', 'cache-hit-ratio', 'timeline']) {
      const svg = chart(out, kind);
      expect(svg, kind).toContain('data-empty="true"');
      expect(svg, kind).toMatch(/<text [^>]*>(No |Nothing |The key cache)[^<]+<\/text>/);
      expect(svg, kind).not.toMatch(/NaN|Infinity|undefined/);
    }
    expect(out).toContain('No KMS call failed');
  });

  it('draws a year of one-minute buckets with at most 600 points per series and keeps a five-minute outage visible', () => {
    const year = sampleRunRecord();
    const minutes = 365 * 24 * 60;
    year.scenario.duration = minutes * 60_000;
    const points: [number, number][] = Array.from({ length: minutes }, (_, m) => [m * 60_000, m >= 200_000 && m < 200_005 ? 0 : 100]);
    year.series.availability = [{ label: 'prod', points }];
    year.series.kmsCallsByRegion = [{ label: 'us-east-1', points: points.map(([t, v]) => [t, v / 10]) }];
    const out = renderHtmlReport(year);
    const availability = chart(out, 'availability');
    const line = availability.match(/<path class="line" d="([^"]+)"/)?.[1] as string;
    expect(line.match(/[MLHV]/g)!.length).toBeLessThanOrEqual(2 * 600 + 2);
    const bottoms = [...line.matchAll(/V([\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.max(...bottoms)).toBeGreaterThan(Math.min(...bottoms) + 50);
    const calls = chart(out, 'kms-calls-by-region').match(/<path class="line" d="([^"]+)"/)?.[1] as string;
    expect(calls.match(/[ML]/g)!.length).toBeLessThanOrEqual(600);
    expect(out.length).toBeLessThan(1_000_000);
  });

  it('is the same text for the same record', () => {
    expect(renderHtmlReport(sampleRunRecord())).toBe(html);
  });

  it("the cache chart's caption adds up: key uses = the workload's counted operations + records handled one by one", () => {
    const record = sampleRunRecord();
    const out = renderHtmlReport(record);
    const m = /over ([\d,]+) key uses: ([\d,]+) counted operations of the workload(?: and ([\d,]+) by records sealed or opened one by one)?/.exec(out);
    const n = (v: string | undefined) => Number((v ?? '0').replace(/,/g, ''));
    expect(m).not.toBeNull();
    expect(n(m?.[1])).toBe(record.totals.cacheHits + record.totals.cacheMisses);
    expect(n(m?.[2])).toBe(record.totals.bulkOperations);
    expect(n(m?.[2]) + n(m?.[3])).toBe(n(m?.[1]));
  });

  it('the Who acted table says its record counts are what the entries cite, not each principal\'s calls, and where every call is counted', () => {
    const record = sampleRunRecord();
    const out = renderHtmlReport(record);
    const table = out.slice(out.indexOf('<table class="principals">'), out.indexOf('</table>', out.indexOf('<table class="principals">')));
    // The service role made nearly every call of the run, yet its row counts only what its entries cite: the header must not say "caused".
    expect(table).not.toContain('CloudTrail records caused');
    expect(table).toContain('CloudTrail records its entries cite');
    const note = /<p class="muted" id="who-acted-note">([^<]*)<\/p>/.exec(out)?.[1] ?? '';
    expect(note).toContain('not over each principal&#39;s own calls');
    expect(note).toContain(`${record.totals.kmsCalls} KMS calls, ${record.eventCount} CloudTrail records`);
  });

  it('the totals say when canary records are written, so their count does not read as one per canaryEvery for the whole drill', () => {
    const record = sampleRunRecord();
    const out = renderHtmlReport(record);
    const note = /<p class="muted" id="canary-note">([^<]*)<\/p>/.exec(out)?.[1] ?? '';
    // canaryEvery 5m, health checks every 5m: the note names both intervals and the daily sweep of a quiet cluster.
    expect(note).toContain('every 5m while something changes for a cluster');
    expect(note).toContain('four health-check intervals (20m)');
    expect(note).toContain('once a day');
  });
});

describe('"Who acted" of a fleet whose nodes call KMS as their own sessions', () => {
  const SESSIONS = 300;
  const record = sampleRunRecord();
  const role = 'arn:aws:sts::111122223333:assumed-role/keydrill-service/';
  record.execution.principals.service = `${role}keydrill-service`;
  const template = record.timeline.find((e) => e.kind === 'event' && e.calls.count > 0);
  if (!template) throw new Error('the sample has an event with calls');
  // Session k acts k % 7 + 1 times, one CloudTrail record each: the busiest differ from the rest.
  for (let k = 0; k < SESSIONS; k++) {
    for (let i = 0; i <= k % 7; i++) record.timeline.push({ ...template, seq: record.timeline.length, principal: `${role}t${k}-prod.n1` });
  }
  const html = renderHtmlReport(record);
  const table = html.slice(html.indexOf('<h3 id="who-acted">'), html.indexOf('</table>', html.indexOf('<h3 id="who-acted">')));
  const rows = [...table.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].slice(1).map((m) => [...(m[1] as string).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => (c[1] as string).replace(/<[^>]+>/g, '')));
  const number = (s: string | undefined) => Number((s ?? '').replace(/,/g, ''));

  it('lists the 20 busiest sessions and sums the other 280 in one row', () => {
    const sessionRows = rows.filter((r) => r[1]?.startsWith('service role, session '));
    expect(sessionRows).toHaveLength(20);
    expect(sessionRows.every((r) => number(r[2]) === 7)).toBe(true);
    const folded = rows.find((r) => r[0] === '280 more sessions of the service role');
    expect(folded?.[1]).toBe('service role, one session per node');
    expect(html).toContain('The 20 busiest node sessions are listed');
  });

  it('still adds up: its entries are every timeline entry that names who acted, its records every record they caused', () => {
    const withPrincipal = record.timeline.filter((e) => e.principal !== undefined);
    expect(rows.reduce((n, r) => n + number(r[2]), 0)).toBe(withPrincipal.length);
    expect(rows.reduce((n, r) => n + number(r[4]), 0)).toBe(withPrincipal.reduce((n, e) => n + e.calls.count, 0));
  });

  it('a run with few sessions lists each of them, with no summed row', () => {
    const small = sampleRunRecord();
    small.execution.principals.service = `${role}keydrill-service`;
    small.timeline.push({ ...template, seq: small.timeline.length, principal: `${role}t1-prod.n1` });
    const out = renderHtmlReport(small);
    expect(out).toContain('service role, session t1-prod.n1');
    expect(out).not.toContain('more sessions of the service role');
  });
});
