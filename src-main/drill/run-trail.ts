import { createHash } from 'node:crypto';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from '../audit/cloudtrail-sink';

/**
 * The CloudTrail records of one drill run, kept in order so the simulator can judge expectations
 * against them (which call failed first, which succeeded during an outage) and summarise them, and
 * passed on to the event store. Every record carries the drill's clock in `eventTime`; `at` keeps
 * the exact millisecond offset for the judge.
 */
export interface TrailEntry {
  at: number;
  record: CloudTrailRecord;
}

export class RunTrail implements CloudTrailSink {
  readonly entries: TrailEntry[] = [];

  constructor(
    private readonly now: () => number,
    private readonly start: number,
    private readonly downstream?: CloudTrailSink,
  ) {}

  record(event: CloudTrailRecord, runId: string | undefined): void {
    this.entries.push({ at: this.now() - this.start, record: event });
    this.downstream?.record(event, runId);
  }

  /** Records since `index`, for evidence of what one step caused. */
  since(index: number): TrailEntry[] {
    return this.entries.slice(index);
  }

  get length(): number {
    return this.entries.length;
  }

  /** SHA-256 over the records as canonical JSON lines, in order: what an auditor recomputes from the export. */
  sha256(): string {
    const hash = createHash('sha256');
    for (const { record } of this.entries) hash.update(`${canonicalJson(record)}\n`);
    return hash.digest('hex');
  }
}

/** JSON with object keys sorted at every level, so equal records hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
