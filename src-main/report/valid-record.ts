import type { z } from 'zod';
import { FrameEntry, FullRunRecord, RunRecord, StoredEvidence, TimelineEntry } from '../../src-shared/run-record';
import { ReportError } from './report-error';
import { asSource, type RunSource } from './run-source';

/**
 * The record as the schema defines it, or a ReportError naming every problem. Every export goes
 * through here: an auditor must never receive a report built from a record that does not match the
 * documented schema. Unknown keys are dropped, as the schema strips them.
 */
export function validRecord(record: unknown): FullRunRecord {
  return parsed(FullRunRecord, record, '');
}

/**
 * A source whose head is checked now and whose timeline and frame entries are checked as they are
 * read: a fleet run is never held whole, so an entry that does not match the schema is found while
 * the report is written (which then fails and leaves no file, see report-file.ts).
 */
export function checkedSource(input: RunSource | FullRunRecord): RunSource {
  const source = asSource(input);
  if (checked.has(source)) return source;
  const head = parsed(RunRecord, source.head, '');
  const result: RunSource = {
    head,
    timeline: () => checkedEntries(source.timeline(), TimelineEntry, 'timeline'),
    frames: () => checkedEntries(source.frames(), FrameEntry, 'frames'),
    stored: source.stored && parsed(StoredEvidence, source.stored, 'stored'),
  };
  checked.add(result);
  return result;
}

/** Sources already checked: a writer and the renderer it calls check each entry once, not twice. */
const checked = new WeakSet<RunSource>();

function* checkedEntries<T>(entries: Iterable<unknown>, schema: z.ZodType<T>, field: string): Generator<T> {
  let index = 0;
  for (const entry of entries) yield parsed(schema, entry, `${field}[${index++}]`);
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [where, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/^\./, '');
    return `✖ ${issue.message}${path ? `\n  → at ${path}` : ''}`;
  });
  throw new ReportError('invalid-record', `The run record does not match the run record schema:\n${problems.join('\n')}`);
}
