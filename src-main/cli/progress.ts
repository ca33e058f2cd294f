/**
 * Progress on stderr. On a terminal: one line rewritten in place. Elsewhere (CI logs, a pipe, a
 * file): plain lines, at most one per interval, and also while nothing changes (a live drill can
 * wait minutes between events), so a log always shows the command is alive and how far it got.
 */
export interface Progress {
  /** The latest state; shown now on a terminal, by the next plain line otherwise. */
  update(text: string): void;
  /** Stops the plain lines; clears the terminal line (or ends it with `final`). */
  done(final?: string): void;
}

export interface ProgressOptions {
  stream?: { isTTY?: boolean; write(text: string): unknown };
  /** Between plain lines (5 s by default; KEYDRILL_PROGRESS_INTERVAL_MS overrides it, for tests and quiet logs). */
  intervalMs?: number;
  /** Printed as a plain line at once (e.g. what a live drill is about to do); on a terminal too. */
  first?: string;
}

export function defaultIntervalMs(): number {
  const fromEnv = Number(process.env.KEYDRILL_PROGRESS_INTERVAL_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 5_000;
}

export function progressReporter(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const intervalMs = options.intervalMs ?? defaultIntervalMs();
  const started = Date.now();
  let current: string | undefined;
  let shown = false;
  let finished = false;
  if (options.first) stream.write(`${options.first}\n`);

  if (stream.isTTY === true) {
    return {
      update(text) {
        // Called for every event of a drill: the terminal is written only when the line changes.
        if (finished || text === current) return;
        current = text;
        stream.write(`\r\x1b[K${text}`);
        shown = true;
      },
      done(final) {
        if (finished) return;
        finished = true;
        if (final) stream.write(`\r\x1b[K${final}\n`);
        else if (shown) stream.write('\r\x1b[K');
      },
    };
  }

  let last = '';
  const tick = (): void => {
    if (current === undefined) return;
    const line = `${current} · ${elapsed(Date.now() - started)} elapsed`;
    if (line !== last) stream.write(`${line}\n`);
    last = line;
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    update(text) {
      if (!finished) current = text;
    },
    done(final) {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (final) stream.write(`${final}\n`);
    },
  };
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A bar for terminals: ██████░░░░ 60% */
export function bar(fraction: number, width = 30): string {
  const pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
  const filled = Math.round((width * pct) / 100);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${String(pct).padStart(3)}%`;
}
