import { formatDuration } from '../../../src-shared/duration';

/**
 * How numbers and times read in the reports. Fixed locale and UTC so the same record always gives
 * the same bytes, whatever machine renders it.
 */

/** An offset from the start of the drill: "1h30m", "0s". */
export function offset(ms: number): string {
  return formatDuration(ms);
}

/** The wall time of an offset, as CloudTrail's eventTime would show it: "2026-03-02 10:30:00Z". */
export function clockTime(startTime: string, ms: number): string {
  const start = Date.parse(startTime);
  if (Number.isNaN(start)) return '';
  return new Date(start + ms).toISOString().replace('T', ' ').replace(/\.000Z$/, 'Z');
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function count(n: number): string {
  return grouped.format(n);
}

/** A percentage from a 0–100 value. */
export function percent(value: number, digits = 1): string {
  return `${value.toFixed(digits)}%`;
}

export function usd(amount: number): string {
  // Cents hide a small drill's cost entirely; show fractions of a cent when that is all there is.
  return amount > 0 && amount < 0.01 ? `$${amount.toFixed(4)}` : `$${amount.toFixed(2)}`;
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/** camelCase capability names read as words: "keyPolicyEnforced" → "key policy enforced". */
export function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]+/g, ' ').toLowerCase();
}

/** Keys of an expectation that hold durations in milliseconds (the scenario schema's `Duration`s). */
const DURATION_KEYS = new Set(['from', 'to', 'within', 'at', 'duration']);

/** An expectation as a reader scans it: "availability · cluster prod · at least 99.5 · from 0s". */
export function describeExpectation(expectation: Record<string, unknown>): string {
  const { expect, ...rest } = expectation;
  const parts = Object.entries(rest).map(([key, value]) => {
    const shown = typeof value === 'number' && DURATION_KEYS.has(key) ? offset(value) : typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
    return `${words(key)} ${shown}`;
  });
  return [typeof expect === 'string' ? expect : 'expectation', ...parts].join(' · ');
}

/**
 * Long text cut for a table cell: a fleet-wide step's detail can name a thousand nodes. The cut says
 * how much was left out and where the whole text is.
 */
export function clip(text: string, max = 320): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max).replace(/[,;\s]+\S*$/, '')} … (${count(text.length - max)} more characters in the CSV and JSON reports)`;
}
