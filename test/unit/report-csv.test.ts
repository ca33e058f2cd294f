import { eventIdOf, observationIdOf } from '../../src-main/drill/run-trail';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src-main/report/csv-cell';
import { CSV_COLUMNS, renderCsvReport } from '../../src-main/report/csv-report';
import { sampleRunRecord } from '../fixtures/sample-run-record';
import { builtIn, runWhole } from '../support/drill-run';

/** An RFC 4180 reader, to check the file parses back to the fields that went in. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('the file does not end with CRLF');
  return rows;
}

describe('CSV cells', () => {
  it('quote commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it('neutralise text a spreadsheet would run as a formula, but leave numbers as numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('safe = text')).toBe('safe = text');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(99.5)).toBe('99.5');
  });
});

describe('the CSV report', () => {
  const record = sampleRunRecord();
  const text = renderCsvReport(record);
  const rows = parseCsv(text);
  const [header, ...body] = rows;
  const section = (name: string) => body.filter((r) => r[0] === name);
  const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);

  it('is one long table: a header, then rows of the same width each tagged with its section', () => {
    expect(header).toEqual([...CSV_COLUMNS]);
    for (const row of body) expect(row).toHaveLength(CSV_COLUMNS.length);
    const sections = new Set(body.map((r) => r[0]));
    for (const s of ['run', 'scenario', 'backend', 'capability', 'simulated', 'verdict', 'key', 'cluster', 'node', 'snapshot', 'timeline', 'series', 'totals', 'data-at-risk']) expect(sections).toContain(s);
  });

  it('names a CMK\'s key material by its ID, as the HTML report and the Explorer do: an id, not the secret', () => {
    const node = section('node')[0]!;
    expect(node[col('detail')]).toContain(`key material ID ${record.hierarchy.nodes[0]!.cmkMaterialId}`);
    expect(body.some((r) => / material [0-9a-f]/.test(r[col('detail')] ?? '') && !/key material ID [0-9a-f]/.test(r[col('detail')] ?? ''))).toBe(false);
  });

  it('holds the same content as the record: every verdict, timeline entry, series point and total', () => {
    expect(section('verdict')).toHaveLength(record.verdicts.length);
    const failed = section('verdict').filter((r) => r[col('outcome')] === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]![col('detail')]).toBe(`${record.verdicts[1]!.summary} — measured: 88.74%; expected: at least 99.5%`);
    expect(failed[0]![col('evidence')]!.split(' ')).toEqual(record.verdicts[1]!.evidence.records.map((n) => eventIdOf(record.execution.runId, n)));
    expect(section('timeline')).toHaveLength(record.timeline.length);
    expect(section('timeline').map((r) => r[col('principal')])).toEqual(record.timeline.map((e) => e.principal ?? ''));
    expect(section('run').find((r) => r[col('name')] === 'administrator')?.[col('value')]).toBe(record.execution.principals.administrator);
    expect(section('run').find((r) => r[col('name')] === 'startedAt')?.[col('value')]).toBe(record.execution.startedAt);
    const points = [record.series.availability, record.series.kmsCallsByRegion, record.series.kmsCallsByOperation, record.series.errorsByCode, record.series.clientSideByCode, [record.series.fleetAvailability]].flat().reduce((n, s) => n + s.points.length, 0);
    expect(section('series').filter((r) => r[col('at_ms')] !== '')).toHaveLength(points);
    expect(section('cluster-summary')).toHaveLength(record.clusters.length);
    expect(section('region-summary')).toHaveLength(record.regions.length);
    const dip = section('series').find((r) => r[col('subject')] === 'availability' && r[col('name')] === 'ledger-prod' && r[col('at_ms')] === String(150 * 60_000));
    expect(dip?.[col('at')]).toBe('2h30m');
    expect(Number(dip?.[col('value')])).toBeCloseTo(66.67, 2);
    expect(section('totals').find((r) => r[col('name')] === 'kmsCalls')?.[col('value')]).toBe(String(record.totals.kmsCalls));
    expect(section('run').find((r) => r[col('name')] === 'eventSetSha256')?.[col('value')]).toBe(record.execution.eventSetSha256);
    expect(section('data-at-risk')).toHaveLength(record.dataAtRisk.length);
  });

  it('keeps scenario text that looks like a formula from running in a spreadsheet', () => {
    const hostile = sampleRunRecord();
    hostile.scenario.description = '=HYPERLINK("http://evil.example","click"),\n"quoted"';
    hostile.dataAtRisk[0]!.what = '@SUM(1+1)';
    hostile.timeline[0]!.name = '+cmd|calc';
    const parsed = parseCsv(renderCsvReport(hostile)).slice(1);
    expect(parsed.find((r) => r[0] === 'scenario' && r[2] === 'description')?.[5]).toBe('\'=HYPERLINK("http://evil.example","click"),\n"quoted"');
    expect(parsed.find((r) => r[0] === 'data-at-risk')?.[2]).toBe("'@SUM(1+1)");
    expect(parsed.find((r) => r[0] === 'timeline')?.[2]).toBe("'+cmd|calc");
    for (const row of parsed) for (const cell of row) expect(cell).not.toMatch(/^[=+@]/);
  });

  it('ends every row with CRLF and is the same text for the same record', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n').length - 1).toBe(rows.length);
    expect(renderCsvReport(sampleRunRecord())).toBe(text);
  });
});

describe('the CSV report of a regional outage', () => {
  it('cites the calls that never reached KMS by observation id, as the HTML and JSON do', async () => {
    const { full: record } = await runWhole(builtIn('regional-outage-single-region-key'));
    const runId = record.execution.runId;
    const rows = parseCsv(renderCsvReport(record));
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const verdictRows = rows.filter((r) => r[0] === 'verdict');
    const citing = record.verdicts.map((v, i) => ({ v, row: verdictRows[i]! })).filter(({ v }) => (v.evidence.observations ?? []).length > 0);
    expect(citing.length).toBeGreaterThan(0);
    for (const { v, row } of citing) expect(row[col('observations')]!.split(' ')).toEqual(v.evidence.observations!.map((n) => observationIdOf(runId, n)));
    const outageEntries = record.timeline.filter((e) => (e.observations?.count ?? 0) > 0);
    expect(outageEntries.length).toBeGreaterThan(0);
    const timelineRows = rows.filter((r) => r[0] === 'timeline');
    for (const e of outageEntries) expect(timelineRows[record.timeline.indexOf(e)]![col('observations')]!.split(' ')[0]).toBe(observationIdOf(runId, e.observations!.from));
  }, 60_000);
});
