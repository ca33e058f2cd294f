import { FullRunRecord } from '../../src-shared/run-record';
import { stableJson } from './stable-json';
import { validRecord } from './valid-record';

/**
 * The run record as JSON: validated against the schema, keys in schema order, maps sorted. The same
 * record always gives the same bytes, so two runs with one seed can be compared with `cmp`.
 */
export function renderJsonReport(record: FullRunRecord): string {
  return stableJson(validRecord(record), FullRunRecord);
}
