import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ClusterSummary, RUN_OVERVIEW_LEAVES_OUT, RunOverview, RunRecord, TENANTS_IN_OVERVIEW, type FrameEntry, type TimelineEntry } from '../../src-shared/run-record';
import { summariseTenants } from '../../src-shared/tenant-ranking';
import type { RunSummary } from '../../src-shared/api-types';
import { notADatabase, useWriteAheadLog } from '../common/sqlite-file';
import { migrateRunStore } from './run-store-schema';
import { StoreRunSink } from './store-run-sink';

/** A run whose process has not said it is alive for this long was interrupted (killed, crashed, power lost). */
export const HEARTBEAT_STALE_MS = 120_000;

/** Rows an export reads at a time: a keyframe of a 1,000-tenant hierarchy is ~1 MB, so pages stay small. */
const EXPORT_PAGE_ROWS = 256;

export interface TimelineQuery {
  offset?: number | undefined;
  limit?: number | undefined;
  cluster?: string | undefined;
}

/**
 * Every drill run kept on this machine: SQLite (WAL) in `<data folder>/runs.sqlite`, shared by the
 * desktop window, the web bridge and the CLI. A run is written as it plays (see StoreRunSink), so a
 * drill of any size never has to fit in one string, and a run whose process died keeps what it did
 * and is marked interrupted the next time anyone looks. Readers get a run's head, its timeline in
 * pages and its hierarchy history from any keyframe — never the whole run at once.
 */
export class RunStore {
  /** The sinks of runs playing into this store, so closing it writes what they buffered first. */
  private readonly sinks = new Set<WeakRef<StoreRunSink>>();

  private constructor(readonly db: Database.Database, readonly file: string) {}

  static open(file: string): RunStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      // First, so a file that is no database is refused before anything about it changes.
      useWriteAheadLog(db);
      if (file !== ':memory:') chmodSync(file, 0o600);
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      migrateRunStore(db);
      return new RunStore(db, file);
    } catch (err) {
      db.close();
      throw notADatabase(err, file, 'run store');
    }
  }

  /** A sink for a new run: the drill writes its record here as it plays. */
  sink(): StoreRunSink {
    const sink = new StoreRunSink(this.db);
    for (const ref of this.sinks) if (!ref.deref()) this.sinks.delete(ref);
    this.sinks.add(new WeakRef(sink));
    return sink;
  }

  /** Every run, newest first; runs whose process died are marked interrupted first. */
  list(): RunSummary[] {
    this.markInterrupted();
    const rows = this.db.prepare<[], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM runs ORDER BY started_at DESC, run_id`).all();
    return rows.map(toSummary);
  }

  summary(runId: string): RunSummary | undefined {
    this.markInterrupted();
    const row = this.db.prepare<[string], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM runs WHERE run_id = ?`).get(runId);
    return row && toSummary(row);
  }

  /** The run record's head (no timeline, no frames), with its current status. */
  head(runId: string): RunRecord | undefined {
    this.markInterrupted();
    const row = this.db.prepare<[string], { head: string; status: string; reason: string | null }>('SELECT head, status, reason FROM runs WHERE run_id = ?').get(runId);
    if (!row) return undefined;
    return withStatus(parseStored(RunRecord, storedJson(row.head, runId), runId), row);
  }

  /**
   * The head without what grows with the topology (see RunOverview). SQLite's JSON functions cut
   * those parts out of the stored head, so a 1,000-tenant run's 2.2 MB head is never parsed or
   * validated in JavaScript to show its overview.
   */
  overview(runId: string): RunOverview | undefined {
    this.markInterrupted();
    let row: { overview: string; clusters: number; summaries: string | null; status: string; reason: string | null } | undefined;
    try {
      // The cluster summaries (~250 bytes a tenant) are read to sum the tenants up; the topology and hierarchy are not read at all.
      row = this.db
        .prepare<[string], NonNullable<typeof row>>(`SELECT json_remove(head, ${OVERVIEW_CUTS}) AS overview, json_array_length(head, '$.clusters') AS clusters, json_extract(head, '$.clusters') AS summaries, status, reason FROM runs WHERE run_id = ?`)
        .get(runId);
    } catch (err) {
      // SQLite refuses a head that is not JSON ("malformed JSON"): say which run, as head() does.
      throw damaged(runId, (err as Error).message, err);
    }
    if (!row) return undefined;
    const clusters = row.summaries === null ? [] : parseStored(CLUSTER_SUMMARIES, storedJson(row.summaries, runId), runId);
    const tenants = clusters.length ? { tenants: summariseTenants(clusters, TENANTS_IN_OVERVIEW, row.status === 'completed') } : {};
    return withStatus(parseStored(RunOverview, { ...(storedJson(row.overview, runId) as object), clusterCount: row.clusters, ...tenants }, runId), row);
  }

  /** A page of the timeline, in order; `total` counts every entry that matches. */
  timeline(runId: string, query: TimelineQuery = {}): { entries: TimelineEntry[]; total: number } {
    const limit = Math.min(Math.max(query.limit ?? 200, 1), 5000);
    const offset = Math.max(query.offset ?? 0, 0);
    const where = query.cluster !== undefined ? 'run_id = ? AND cluster = ?' : 'run_id = ?';
    const args = query.cluster !== undefined ? [runId, query.cluster] : [runId];
    const total = (this.db.prepare(`SELECT count(*) AS n FROM timeline WHERE ${where}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT body FROM timeline WHERE ${where} ORDER BY seq LIMIT ? OFFSET ?`).all(...args, limit, offset) as { body: string }[];
    return { entries: rows.map((r) => JSON.parse(r.body) as TimelineEntry), total };
  }

  /**
   * The scenario steps (faults and operator actions) that failed when the drill played them, in
   * order: read by the kind and outcome columns, so only those entries' bodies are parsed.
   */
  failedSteps(runId: string): TimelineEntry[] {
    const rows = this.db.prepare<[string], { body: string }>("SELECT body FROM timeline WHERE run_id = ? AND outcome = 'failed' AND kind IN ('fault', 'action') ORDER BY seq").all(runId);
    return rows.map((r) => JSON.parse(r.body) as TimelineEntry);
  }

  /**
   * The hierarchy history from the keyframe at or before `at` (or at or before entry `seq`; the
   * first keyframe when none is), up to the next keyframe or `limit` entries: replaying these gives
   * the hierarchy at every moment from that keyframe on. `total` is the number of entries in the whole history.
   * With `after`, the rest of a segment instead (framesAfter).
   */
  frames(runId: string, from: number | { at: number } | { seq: number } | { after: number }, limit = 5000): { entries: FrameEntry[]; total: number; lastAt: number } {
    const f = typeof from === 'number' ? { at: from } : from;
    if ('after' in f) return this.framesAfter(runId, f.after, limit);
    const keyframe = ('seq' in f
      ? this.db.prepare<[string, number], { seq: number }>('SELECT seq FROM frames WHERE run_id = ? AND keyframe = 1 AND seq <= ? ORDER BY seq DESC LIMIT 1').get(runId, f.seq)
      : this.db.prepare<[string, number], { seq: number }>('SELECT seq FROM frames WHERE run_id = ? AND keyframe = 1 AND at <= ? ORDER BY at DESC, seq DESC LIMIT 1').get(runId, f.at))
      ?? this.db.prepare<[string], { seq: number }>('SELECT seq FROM frames WHERE run_id = ? AND keyframe = 1 ORDER BY seq LIMIT 1').get(runId);
    const stats = this.frameStats(runId);
    if (!keyframe) return { entries: [], total: stats.n, lastAt: stats.last ?? 0 };
    const rows = this.db.prepare<[string, number, number], { body: string; keyframe: number; seq: number }>('SELECT body, keyframe, seq FROM frames WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?').all(runId, keyframe.seq, Math.min(Math.max(limit, 1), 20_000));
    const entries: FrameEntry[] = [];
    for (const r of rows) {
      if (r.keyframe === 1 && r.seq !== keyframe.seq) break;
      entries.push(JSON.parse(r.body) as FrameEntry);
    }
    return { entries, total: stats.n, lastAt: stats.last ?? 0 };
  }

  /**
   * The rest of a segment: the entries after entry `after`, up to the next keyframe or `limit`
   * entries — what a reader that has a segment's start adds when a run still being written grows.
   */
  private framesAfter(runId: string, after: number, limit: number): { entries: FrameEntry[]; total: number; lastAt: number } {
    const stats = this.frameStats(runId);
    const rows = this.db.prepare<[string, number, number], { body: string; keyframe: number }>('SELECT body, keyframe FROM frames WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(runId, after, Math.min(Math.max(limit, 1), 20_000));
    const entries: FrameEntry[] = [];
    for (const r of rows) {
      if (r.keyframe === 1) break;
      entries.push(JSON.parse(r.body) as FrameEntry);
    }
    return { entries, total: stats.n, lastAt: stats.last ?? 0 };
  }

  /** How many entries a run's history has, and when the last happened (null: none). */
  private frameStats(runId: string): { n: number; last: number | null } {
    return this.db.prepare<[string], { n: number; last: number | null }>('SELECT count(*) AS n, max(at) AS last FROM frames WHERE run_id = ?').get(runId) ?? { n: 0, last: null };
  }

  /** When each history entry from `offset` happened and which are keyframes (no bodies read): the Explorer's scrubber. */
  moments(runId: string, offset = 0, limit = 200_000): { at: number[]; keyframes: number[]; total: number } {
    const rows = this.db.prepare<[string, number, number], { seq: number; at: number; keyframe: number }>('SELECT seq, at, keyframe FROM frames WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?').all(runId, offset, limit);
    const total = (this.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM frames WHERE run_id = ?').get(runId) ?? { n: 0 }).n;
    return { at: rows.map((r) => r.at), keyframes: rows.filter((r) => r.keyframe === 1).map((r) => r.seq), total };
  }

  /**
   * Every timeline entry of a run, in order, read a page at a time (for exports). No statement stays
   * open between pages, so a reader that awaits between entries (an export writing to disk) never
   * holds the connection a running drill writes through.
   */
  allTimeline(runId: string): Generator<TimelineEntry> {
    return this.pages<TimelineEntry>('timeline', runId);
  }

  /** Every frame entry of a run, in order, a page at a time (for exports). */
  allFrames(runId: string): Generator<FrameEntry> {
    return this.pages<FrameEntry>('frames', runId);
  }

  private *pages<T>(table: 'timeline' | 'frames', runId: string): Generator<T> {
    const page = this.db.prepare<[string, number, number], { seq: number; body: string }>(`SELECT seq, body FROM ${table} WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`);
    let after = -1;
    for (;;) {
      const rows = page.all(runId, after, EXPORT_PAGE_ROWS);
      for (const r of rows) yield JSON.parse(r.body) as T;
      if (rows.length < EXPORT_PAGE_ROWS) return;
      after = (rows[rows.length - 1] as { seq: number }).seq;
    }
  }

  /** Forgets a run and its history; false when there was none. A run still playing is refused. */
  delete(runId: string): boolean {
    const summary = this.summary(runId);
    if (!summary) return false;
    if (summary.status === 'started') throw new Error(`run ${runId} is still playing (pid ${summary.pid} on ${summary.host}); stop it first`);
    this.db.prepare('DELETE FROM runs WHERE run_id = ?').run(runId);
    return true;
  }

  /**
   * Forgets several runs, all or none: returns the ids that name no run (and then deletes nothing),
   * throws for a run still playing (deleting nothing either), else deletes them all and returns [].
   */
  deleteAll(runIds: readonly string[]): string[] {
    return this.db.transaction(() => {
      const missing = runIds.filter((id) => !this.summary(id));
      if (missing.length === 0) for (const id of runIds) this.delete(id);
      return missing;
    }).immediate();
  }

  close(): void {
    for (const ref of this.sinks) ref.deref()?.detach();
    this.sinks.clear();
    this.db.close();
  }

  /** Runs still marked started whose process is gone (or silent for too long) become interrupted. */
  private markInterrupted(): void {
    const stale = this.db.prepare<[], { run_id: string; pid: number; host: string; heartbeat: number }>("SELECT run_id, pid, host, heartbeat FROM runs WHERE status = 'started'").all();
    const now = Date.now();
    for (const r of stale) {
      const here = r.host === hostname();
      const dead = here && !processAlive(r.pid);
      const silent = now - r.heartbeat > HEARTBEAT_STALE_MS;
      if (!dead && !silent) continue;
      const reason = dead ? `its process (pid ${r.pid}) ended before the drill did` : `its process (pid ${r.pid} on ${r.host}) stopped reporting at ${new Date(r.heartbeat).toISOString()}`;
      this.db.prepare("UPDATE runs SET status = 'interrupted', reason = ?, ended_at = ? WHERE run_id = ? AND status = 'started'").run(reason, new Date(r.heartbeat).toISOString(), r.run_id);
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SUMMARY_COLUMNS = 'run_id, label, scenario, title, backend, seed, status, reason, started_at, ended_at, start_time, pid, host, passed, verdicts, verdicts_passed, kms_calls, data_at_risk';

interface SummaryRow {
  run_id: string;
  label: string;
  scenario: string;
  title: string;
  backend: string;
  seed: number;
  status: RunSummary['status'];
  reason: string | null;
  started_at: string;
  ended_at: string | null;
  start_time: string;
  pid: number;
  host: string;
  passed: number | null;
  verdicts: number;
  verdicts_passed: number;
  kms_calls: number;
  data_at_risk: number;
}

function toSummary(r: SummaryRow): RunSummary {
  return {
    runId: r.run_id,
    label: r.label,
    scenario: r.scenario,
    title: r.title,
    backend: r.backend as RunSummary['backend'],
    seed: r.seed,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    passed: r.passed === 1,
    verdictsPassed: r.verdicts_passed,
    verdicts: r.verdicts,
    kmsCalls: r.kms_calls,
    dataAtRisk: r.data_at_risk,
    startTime: r.start_time,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    pid: r.pid,
    host: r.host,
  };
}

const CLUSTER_SUMMARIES = z.array(ClusterSummary);

/** The JSON paths the overview cuts out of a head: the schema's list, and the scenario as written. */
const OVERVIEW_CUTS = [...Object.keys(RUN_OVERVIEW_LEAVES_OUT).map((k) => `$.${k}`), '$.scenario.definition'].map((path) => `'${path}'`).join(', ');

function damaged(runId: string, why: string, cause?: unknown): Error {
  return new Error(`the stored record of run ${runId} is damaged: ${why}`, cause === undefined ? undefined : { cause });
}

/** The JSON of a stored head; text that is not JSON is named as a damaged record. */
function storedJson(text: string, runId: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw damaged(runId, (err as Error).message, err);
  }
}

/** A stored head (or its overview) checked against the contract; a damaged one is named, never shown half-read. */
function parseStored<T>(schema: z.ZodType<T>, value: unknown, runId: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw damaged(runId, parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

/** A run whose process died is interrupted, whatever its head said when it was last written. */
function withStatus<T extends { execution: RunRecord['execution'] }>(record: T, row: { status: string; reason: string | null }): T {
  if (row.status === 'interrupted' && record.execution.status !== 'interrupted') {
    record.execution = { ...record.execution, status: 'interrupted', ...(row.reason ? { reason: row.reason } : {}) };
  }
  return record;
}
