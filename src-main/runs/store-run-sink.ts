import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import type { FrameEntry, RunRecord, TimelineEntry } from '../../src-shared/run-record';
import type { RunSink } from '../drill/run-sink';

/** Rows buffered before a write, and the longest a row waits: a killed run loses at most this much. */
const FLUSH_ROWS = 500;
const FLUSH_MS = 250;
const HEARTBEAT_MS = 10_000;

/**
 * Writes one run into the run store as it plays: the head at the start (status `started`, with this
 * process's pid and a heartbeat), frames and timeline entries in batched transactions, and the final
 * head at the end. Nothing of the run is held in memory beyond the current batch.
 */
export class StoreRunSink implements RunSink {
  private runId: string | undefined;
  private frameRows: FrameEntry[] = [];
  private entryRows: TimelineEntry[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly insertFrame: Database.Statement;
  private readonly insertEntry: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertFrame = db.prepare('INSERT INTO frames (run_id, seq, at, keyframe, body) VALUES (?, ?, ?, ?, ?)');
    this.insertEntry = db.prepare('INSERT INTO timeline (run_id, seq, at, kind, cluster, outcome, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  started(head: RunRecord): void {
    this.runId = head.execution.runId;
    this.db.prepare(`INSERT INTO runs (run_id, label, scenario, title, backend, seed, status, started_at, start_time, pid, host, heartbeat, head)
      VALUES (?, ?, ?, ?, ?, ?, 'started', ?, ?, ?, ?, ?, ?)`).run(
      head.execution.runId, head.execution.label, head.scenario.name, head.scenario.title, head.backend.kind, head.scenario.seed,
      head.execution.startedAt, head.startTime, process.pid, hostname(), Date.now(), JSON.stringify(head),
    );
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  update(head: RunRecord): void {
    this.flush();
    this.db.prepare('UPDATE runs SET head = ?, heartbeat = ? WHERE run_id = ?').run(JSON.stringify(head), Date.now(), this.id());
  }

  frame(entry: FrameEntry): void {
    this.frameRows.push(entry);
    this.queue();
  }

  timelineEntry(entry: TimelineEntry): void {
    this.entryRows.push(entry);
    this.queue();
  }

  finished(head: RunRecord): void {
    this.flush();
    this.stop();
    const passed = head.execution.status === 'completed' ? (head.passed ? 1 : 0) : null;
    this.db.prepare(`UPDATE runs SET status = ?, reason = ?, ended_at = ?, heartbeat = ?, passed = ?, verdicts = ?, verdicts_passed = ?, kms_calls = ?, data_at_risk = ?, head = ? WHERE run_id = ?`).run(
      head.execution.status, head.execution.reason ?? null, head.execution.endedAt ?? new Date().toISOString(), Date.now(), passed,
      head.verdicts.length, head.verdicts.filter((v) => v.passed).length, head.totals.kmsCalls, head.dataAtRisk.length, JSON.stringify(head), this.id(),
    );
  }

  failed(reason: string): void {
    if (!this.runId) return;
    this.flush();
    this.stop();
    this.db.prepare("UPDATE runs SET status = 'interrupted', reason = ?, ended_at = ?, heartbeat = ? WHERE run_id = ? AND status = 'started'").run(`the drill failed: ${reason}`, new Date().toISOString(), Date.now(), this.runId);
  }

  /**
   * The store is closing with this run still playing (its process ends: the run will read as
   * interrupted): what is buffered is written, and the timers stop, so none fires on a closed
   * database (a heartbeat after close threw from a timer, outside any caller).
   */
  detach(): void {
    this.flush();
    this.stop();
  }

  /** Writes the buffered rows in one transaction. */
  flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (!this.runId || (this.frameRows.length === 0 && this.entryRows.length === 0)) return;
    const runId = this.runId;
    const frames = this.frameRows;
    const entries = this.entryRows;
    this.frameRows = [];
    this.entryRows = [];
    this.db.transaction(() => {
      for (const f of frames) this.insertFrame.run(runId, f.seq, f.at, f.keyframe ? 1 : 0, JSON.stringify(f));
      for (const e of entries) this.insertEntry.run(runId, e.seq, e.at, e.kind, e.cluster ?? null, e.outcome, JSON.stringify(e));
      this.db.prepare('UPDATE runs SET heartbeat = ? WHERE run_id = ?').run(Date.now(), runId);
    })();
  }

  private queue(): void {
    if (this.frameRows.length + this.entryRows.length >= FLUSH_ROWS) this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  private beat(): void {
    if (this.runId) this.db.prepare('UPDATE runs SET heartbeat = ? WHERE run_id = ?').run(Date.now(), this.runId);
  }

  private stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private id(): string {
    if (!this.runId) throw new Error('the run has not started');
    return this.runId;
  }
}
