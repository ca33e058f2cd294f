import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FullRunRecord } from '../../src-shared/run-record';
import { renderJsonReport } from '../../src-main/report/json-report';
import { ReportError } from '../../src-main/report/report-error';
import { sampleRunRecord } from '../fixtures/sample-run-record';

/** The same data with every object's keys inserted in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
  return value;
}

/** Every field path of a schema, as docs/run-record.md names them: `series.availability[].points`. */
function fieldPaths(schema: z.ZodType, prefix = ''): string[] {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  if (s instanceof z.ZodArray) return fieldPaths(s.element as z.ZodType, `${prefix}[]`);
  if (!(s instanceof z.ZodObject)) return [];
  return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...fieldPaths(child, path)];
  });
}

describe('the JSON report', () => {
  const record = sampleRunRecord();

  it('is byte-identical for the same record, however its objects and maps were filled', () => {
    const shuffled = FullRunRecord.parse(reversedKeys(record));
    expect(Object.keys(shuffled.totals.kmsCallsByRegion)).toEqual(Object.keys(record.totals.kmsCallsByRegion).reverse());
    expect(renderJsonReport(shuffled)).toBe(renderJsonReport(record));
  });

  it('round-trips through the run record schema to the same record', () => {
    const text = renderJsonReport(record);
    expect(FullRunRecord.parse(JSON.parse(text))).toEqual(record);
    expect(text.startsWith('{\n  "format": "keydrill-run",\n  "version": 2,\n  "execution": {\n')).toBe(true);
    expect(text).toContain('"points": [\n');
    expect(text).toMatch(/\n {10}\[0, 100\],\n/);
  });

  it('the committed sample fixture is exactly its own JSON report', () => {
    const fixture = readFileSync(new URL('../fixtures/run-record.sample.json', import.meta.url), 'utf8');
    expect(renderJsonReport(FullRunRecord.parse(JSON.parse(fixture))) === fixture).toBe(true);
  });

  it('reads a run recorded before key owners\' copies were counted as having none', () => {
    const older = JSON.parse(readFileSync(new URL('../fixtures/run-record.sample.json', import.meta.url), 'utf8')) as { totals: Record<string, unknown> };
    delete older.totals.keyOwnerCopies;
    expect(FullRunRecord.parse(older).totals.keyOwnerCopies).toBe(0);
  });

  it('refuses a record that does not match the schema, naming the field', () => {
    const broken = { ...record, execution: { ...record.execution, eventSetSha256: 'not-a-digest' }, totals: { ...record.totals, kmsCalls: 1.5 } };
    let error: unknown;
    try {
      renderJsonReport(broken);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).code).toBe('invalid-record');
    expect((error as ReportError).message).toMatch(/eventSetSha256/);
    expect((error as ReportError).message).toMatch(/totals\.kmsCalls/);
  });

  it('drops fields the schema does not know rather than exporting them unchecked', () => {
    const extra = { ...record, debugKeyBytes: 'AAAA', totals: { ...record.totals, secret: 1 } } as unknown as FullRunRecord;
    const text = renderJsonReport(extra);
    expect(text).not.toContain('debugKeyBytes');
    expect(text).not.toContain('"secret"');
  });

  it('docs/run-record.md documents every field of the run record', () => {
    const doc = readFileSync(new URL('../../docs/run-record.md', import.meta.url), 'utf8');
    const missing = fieldPaths(FullRunRecord).filter((path) => !doc.includes(`\`${path}\``));
    expect(missing).toEqual([]);
  });
});
