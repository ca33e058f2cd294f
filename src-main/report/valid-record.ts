import { z } from 'zod';
import { FullRunRecord } from '../../src-shared/run-record';
import { ReportError } from './report-error';

/**
 * The record as the schema defines it, or a ReportError naming every problem. Every export goes
 * through here first: an auditor must never receive a report built from a record that does not
 * match the documented schema. Unknown keys are dropped, as the schema strips them.
 */
export function validRecord(record: unknown): FullRunRecord {
  const parsed = FullRunRecord.safeParse(record);
  if (!parsed.success) throw new ReportError('invalid-record', `The run record does not match the run record schema:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
