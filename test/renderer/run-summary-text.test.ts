import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/api';
import { expectationsText, formatHitRatio, outcomeBadge } from '../../src-renderer/src/format';
import { ratioPercent } from '../../src-shared/ratio-percent';
import { stopReasonAlone, stopReasonText } from '../../src-shared/stop-reason';

/**
 * The Reports page summed up a fleet drill stopped with Stop as "0/0 expectations met" — as if the
 * scenario had none and all were met — where the Drills page says "cancelled: no expectation judged".
 */
const run = (over: Partial<RunSummary>) => ({ status: 'completed', verdicts: 2, verdictsPassed: 2, ...over }) as RunSummary;

describe('what a run says of its expectations', () => {
  it('counts those met when the run completed', () => {
    expect(expectationsText(run({}))).toBe('2/2 expectations met');
    expect(expectationsText(run({ verdictsPassed: 1 }))).toBe('1/2 expectations met');
  });

  it('says none was judged when the run was stopped, died or is still running', () => {
    for (const status of ['cancelled', 'interrupted', 'started'] as const) {
      expect(expectationsText(run({ status, verdicts: 0, verdictsPassed: 0 }))).toBe('no expectation judged');
    }
  });
});

/** A run still playing in `keydrill drill run` was badged "some expectations failed" on the Drills page. */
describe('what a run’s badge says', () => {
  it('a run still playing has judged nothing yet: neither failed nor cut short', () => {
    expect(outcomeBadge({ status: 'started', passed: false })).toEqual({ text: 'running: not judged yet', tone: 'idle' });
  });

  it('a finished run says whether its expectations held; a stopped or dead one that it judged none', () => {
    expect(outcomeBadge({ status: 'completed', passed: true })).toEqual({ text: 'all expectations met', tone: 'pass' });
    expect(outcomeBadge({ status: 'completed', passed: false })).toEqual({ text: 'some expectations failed', tone: 'fail' });
    expect(outcomeBadge({ status: 'cancelled', passed: false }).text).toBe('cancelled: no expectation judged');
    expect(outcomeBadge({ status: 'interrupted', passed: false }).text).toBe('interrupted: the drill did not finish');
  });
});

/** `keydrill runs show` said why a drill that failed to start was interrupted; the Drills and Reports pages did not. */
describe('why a run stopped', () => {
  it('is its status and its record\'s reason, as the CLI prints it, for a cancelled or interrupted run', () => {
    expect(stopReasonText({ status: 'interrupted', reason: 'the drill failed: Could not load credentials from any providers' })).toBe('interrupted: the drill failed: Could not load credentials from any providers');
    expect(stopReasonText({ status: 'cancelled', reason: 'stopped from the UI' })).toBe('cancelled: stopped from the UI');
  });

  it('is nothing for a run that played on or ended, or whose record kept no reason', () => {
    expect(stopReasonText({ status: 'completed', reason: 'stray' })).toBeUndefined();
    expect(stopReasonText({ status: 'started' })).toBeUndefined();
    expect(stopReasonText({ status: 'interrupted' })).toBeUndefined();
  });

  it('is the reason alone beside a badge that already names the status', () => {
    expect(stopReasonAlone({ status: 'cancelled', reason: 'stopped from the UI' })).toBe('stopped from the UI');
    expect(stopReasonAlone({ status: 'completed', reason: 'stray' })).toBeUndefined();
  });
});

/** The Drills page said "34 KMS calls · cache hit ratio 100.00%": the calls were the cache's misses. */
describe('a run’s cache hit ratio', () => {
  it('never reads 100% while there were misses', () => {
    expect(formatHitRatio(0.999996)).toBe('>99.99%');
    expect(formatHitRatio(0.99994)).toBe('99.99%');
    expect(formatHitRatio(0.5)).toBe('50.00%');
    expect(formatHitRatio(1)).toBe('100%');
  });

  it('the HTML report says the same, to three decimals', () => {
    expect(ratioPercent(0.9999996, 3)).toBe('>99.999%');
    expect(ratioPercent(0.99999, 3)).toBe('99.999%');
    expect(ratioPercent(1, 3)).toBe('100%');
  });
});
