import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Gives the event loop a turn every `everyMs` of a long computation made of awaits that never wait
 * for I/O. A drill on the embedded KMS is such a computation: every KMS call is answered in this
 * process, so its awaits resolve as microtasks and, left alone, it would hold the event loop from its
 * first event to its last. Nothing else would run meanwhile — a Ctrl-C, a Stop from the window, the
 * app's other requests, the event store's writer taking the CloudTrail records (they would pile up
 * in memory until the end, then be written in series). A turn costs a few microseconds; taken every
 * 10 ms it costs nothing measurable, and the drill's own order does not depend on it.
 */
export class EventLoopTurns {
  private last = performance.now();

  constructor(private readonly everyMs = 10) {}

  /** Takes a turn if `everyMs` have passed since the last one. */
  async take(): Promise<void> {
    if (performance.now() - this.last < this.everyMs) return;
    await nextTurn();
    this.last = performance.now();
  }
}
