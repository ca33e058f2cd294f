import type { FormEvent } from 'react';
import type { AuditQuery, LookupAttribute, RunSummary } from '../../src-shared/api';
import { LOOKUP_ATTRIBUTES } from '../../src-shared/api-lists';
import { runOptionText } from './run-picker';
import { parseUtcRange, UtcTimeInput } from './utc-time';

/** The Audit page's filters as typed (applied only when valid). */
export interface Filters {
  attribute: LookupAttribute | '';
  value: string;
  start: string;
  end: string;
  region: string;
  errorsOnly: boolean;
  runId: string;
}

export const EMPTY_FILTERS: Filters = { attribute: '', value: '', start: '', end: '', region: '', errorsOnly: false, runId: '' };

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** As long as the API takes a lookup value (AuditQuery in api-types.ts). */
const MAX_VALUE = 2048;

/** A field the last Apply found wrong, to mark it. */
export type FilterField = 'value' | 'start' | 'end' | 'region';

/**
 * The lookup the filters ask for, or what is wrong with them (a value the lookup refuses, a reversed
 * range, a mistyped time or region): checked here, so a query the event store would refuse is
 * never sent and never replaces the rows on screen.
 */
export function toQuery(f: Filters): { query: AuditQuery } | { error: string; field: FilterField } {
  const range = parseUtcRange(f.start, f.end);
  if ('error' in range) return { error: range.error, field: range.error.startsWith('To') ? 'end' : 'start' };
  const q: AuditQuery = { ...range };
  const value = f.value.trim();
  if (f.attribute && value) {
    const checked = attributeValue(f.attribute, value);
    if ('error' in checked) return { error: checked.error, field: 'value' };
    q.attribute = { key: f.attribute, value: checked.value };
  }
  const region = f.region.trim();
  if (region && !REGION.test(region)) return { error: `Region: "${region}" is not an AWS region like us-east-1.`, field: 'region' };
  if (region) q.region = region;
  if (f.errorsOnly) q.errorsOnly = true;
  if (f.runId) q.runId = f.runId;
  return { query: q };
}

/** The value as the lookup takes it: ReadOnly is true or false (as CloudTrail's LookupEvents has it), any value at most 2,048 characters. */
function attributeValue(attribute: LookupAttribute, value: string): { value: string } | { error: string } {
  if (value.length > MAX_VALUE) return { error: `Value: ${attribute} values are at most ${MAX_VALUE.toLocaleString('en')} characters, not ${value.length.toLocaleString('en')}.` };
  if (attribute !== 'ReadOnly') return { value };
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return { value: lower };
  return { error: `Value: ReadOnly is "true" (calls that only read) or "false" (calls that change something), not "${value}".` };
}

/** The CloudTrail console's lookups (one attribute), a UTC time range, a region, a run, errors only. */
export function AuditFilterForm({ filters, onChange, onApply, onReset, runs, invalid }: {
  filters: Filters;
  onChange: (f: Filters) => void;
  onApply: () => void;
  onReset: () => void;
  runs: readonly RunSummary[];
  /** Which field the last Apply found wrong, to mark it. */
  invalid?: FilterField | undefined;
}) {
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => onChange({ ...filters, [key]: value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply();
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filter the event history">
      <label className="field">
        <span>Lookup attribute</span>
        <select value={filters.attribute} onChange={(e) => set('attribute', e.target.value as LookupAttribute | '')}>
          <option value="">(any)</option>
          {LOOKUP_ATTRIBUTES.map((a) => <option key={a} value={a}>{a}</option>)}
        </select>
      </label>
      <label className="field">
        <span>Value</span>
        <input value={filters.value} onChange={(e) => set('value', e.target.value)} placeholder={filters.attribute === 'ReadOnly' ? 'true or false' : filters.attribute ? `${filters.attribute} equals…` : 'choose an attribute first'} disabled={!filters.attribute}
          aria-invalid={invalid === 'value' || undefined} />
      </label>
      <UtcTimeInput label="From" value={filters.start} onChange={(v) => set('start', v)} invalid={invalid === 'start'} />
      <UtcTimeInput label="To" value={filters.end} onChange={(v) => set('end', v)} invalid={invalid === 'end'} />
      <label className="field">
        <span>Region</span>
        <input value={filters.region} onChange={(e) => set('region', e.target.value)} placeholder="any" size={11} aria-invalid={invalid === 'region' || undefined} />
      </label>
      <label className="field run-filter">
        <span>Run</span>
        <select value={filters.runId} onChange={(e) => set('runId', e.target.value)}>
          <option value="">(all events)</option>
          {runs.map((r) => <option key={r.runId} value={r.runId} title={r.runId}>{runOptionText(r)}</option>)}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={filters.errorsOnly} onChange={(e) => set('errorsOnly', e.target.checked)} /> Errors only
      </label>
      <button type="submit" className="primary">Apply</button>
      <button type="button" onClick={onReset}>Reset</button>
    </form>
  );
}
