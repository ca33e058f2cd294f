import type { z } from 'zod';
import { FrameEntry, FullRunRecord, RunRecord, StoredEvidence, TimelineEntry } from '../../src-shared/run-record';
import type { RunSource } from './run-source';
import { stableJsonAt } from './stable-json';
import { checkedSource } from './valid-record';

/**
 * The run record as JSON, a piece at a time: the head, then every timeline entry and every frame
 * as the source yields them, so a run too large for one string still exports. Validated against
 * the schema, keys in schema order, maps sorted: the bytes are exactly `stableJson(record,
 * FullRunRecord)`, so the same record always gives the same file and two runs with one seed can be
 * compared with `cmp`.
 */
export function* jsonReportChunks(input: RunSource | FullRunRecord): Generator<string> {
  const source = checkedSource(input);
  const shape = FullRunRecord.shape as Record<string, z.ZodType>;
  const head = source.head as Record<string, unknown>;
  let first = true;
  yield '{\n';
  for (const key of Object.keys(RunRecord.shape)) {
    if (head[key] === undefined) continue;
    yield `${first ? '' : ',\n'}  ${JSON.stringify(key)}: ${stableJsonAt(head[key], shape[key], '  ')}`;
    first = false;
  }
  yield* streamedArray('timeline', source.timeline(), TimelineEntry);
  yield* streamedArray('frames', source.frames(), FrameEntry);
  // A run that never summed itself up keeps zeros in its head: what the event store holds of it is said beside them.
  if (source.stored) yield `,\n  "stored": ${stableJsonAt(source.stored, StoredEvidence, '  ')}`;
  yield '\n}\n';
}

function* streamedArray(key: string, entries: Iterable<unknown>, schema: z.ZodType): Generator<string> {
  yield `,\n  ${JSON.stringify(key)}: `;
  let count = 0;
  for (const entry of entries) yield `${count++ === 0 ? '[\n' : ',\n'}    ${stableJsonAt(entry, schema, '    ')}`;
  yield count === 0 ? '[]' : '\n  ]';
}

/** The whole JSON report as one string: for tests and small records (files are written with jsonReportChunks). */
export function renderJsonReport(record: RunSource | FullRunRecord): string {
  return [...jsonReportChunks(record)].join('');
}
