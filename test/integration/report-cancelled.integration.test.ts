import { beforeAll, describe, expect, it } from 'vitest';
import type { WholeRun } from '../support/drill-run';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { builtIn, runWhole } from '../support/drill-run';

/**
 * A run stopped part-way measured nothing after its stop. Its report's availability charts keep the
 * whole drill on their axis (so the reader sees how far it got) but draw no availability after the
 * stop: that stretch is shaded as not played, and the caption says where the run ended.
 */
describe('the report of a drill stopped part-way', () => {
  let run: WholeRun;
  beforeAll(async () => {
    const stop = new AbortController();
    // Stopped at the first event past 40% of the drill, as a Stop or Ctrl-C would.
    run = await runWhole(builtIn('revocation-and-restore'), { signal: stop.signal, onProgress: (f) => (f >= 0.4 ? stop.abort('stopped by the test') : undefined) });
  }, 60_000);

  it('draws availability up to where the run ended, and shades the rest as not played', () => {
    const { record, full } = run;
    expect(record.execution.status).toBe('cancelled');
    const reached = record.execution.reachedAt;
    expect(reached).toBeGreaterThan(0.4 * record.scenario.duration);
    expect(reached).toBeLessThan(record.scenario.duration);

    const html = renderHtmlReport(full);
    const chart = /<svg[^>]*id="chart-availability"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    const panels = [...chart.matchAll(/<g class="series panel"[\s\S]*?<\/g>/g)].map((m) => m[0]);
    expect(panels.length).toBe(record.series.availability.length);
    for (const panel of panels) {
      const notPlayed = /<rect class="not-played" x="([\d.]+)"[^>]*width="([\d.]+)"[\s\S]*?<title>not played: the run ended at ([^<]+)<\/title>/.exec(panel);
      expect(notPlayed, 'a not-played band').not.toBeNull();
      const line = /<path class="line" d="([^"]+)"/.exec(panel)?.[1] ?? '';
      // The line's last step ends where the not-played band begins, not at the axis's end.
      const lastX = Number(/H([\d.]+)$/.exec(line)?.[1]);
      expect(lastX).toBe(Number(notPlayed?.[1]));
      expect(Number(notPlayed?.[1]) + Number(notPlayed?.[2])).toBeGreaterThan(lastX);
    }
    expect(html).toContain('Grey: not played — the run ended at');
  });

  it('a run played to its end has no not-played band', async () => {
    const whole = await runWhole(builtIn('revocation-and-restore'));
    expect(renderHtmlReport(whole.full)).not.toContain('class="not-played"');
  }, 60_000);
});
