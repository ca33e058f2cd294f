import type { RunRecord } from '../../../src-shared/run-record';
import type { SeriesLook } from '../../../src-shared/series-looks';
import type { FaultWindow } from '../fault-windows';
import { stackedBarChart } from '../svg/bar-chart';
import { availabilityChart } from '../svg/availability-chart';
import { lineChart, type ChartSeries } from '../svg/line-chart';
import { keyLooks, seriesColour } from '../svg/palette';
import { ratioBar } from '../svg/ratio-bar';
import { html, type Html } from './html-template';
import { count, offset, percent } from './format-text';
import { legend } from './legend';

type Series = RunRecord['series']['availability'];

/** Clusters, drawn by rank. */
function coloured(series: Series): ChartSeries[] {
  return series.map((s, i) => ({ label: s.label, colour: seriesColour(i), points: s.points }));
}

/** Operations, regions, error codes: each in its look by name, as the app draws it, whatever else is charted. */
function byName(series: Series): ChartSeries[] {
  const looks = keyLooks(series.map((s) => s.label));
  return series.map((s, i) => ({ label: s.label, points: s.points, ...(looks[i] as SeriesLook) }));
}

/** `chartId`: the chart's element id, which makes its legend's pattern ids unique in the document. */
function figure(chart: Html, series: readonly ChartSeries[], caption: string, chartId?: string): Html {
  const listed = series.filter((s) => s.points.length > 0).map(({ label, colour, hatch }) => ({ label, colour, hatch }));
  return html`<figure>${chart}${legend(listed, chartId && `${chartId}-swatch`)}<figcaption>${caption}</figcaption></figure>`;
}

/** Said under a line chart that dashes a hatched key (the app hatches its bars; a thin line cannot show stripes). */
function dashNote(series: readonly ChartSeries[]): string {
  return series.some((s) => s.points.length > 0 && s.hatch && s.hatch !== 'solid') ? ' A dashed line: a key whose legend swatch is hatched, in the colour of a kindred key.' : '';
}

/** What was measured over the drill: availability, KMS call volume, errors and the key cache. */
export function measurementsSection(record: RunRecord, bands: readonly FaultWindow[], large: boolean): Html {
  const { series, totals, scenario } = record;
  const bucket = offset(series.bucket);
  const availability = coloured(series.availability);
  const byRegion = byName(series.kmsCallsByRegion);
  const byOperation = byName(series.kmsCallsByOperation);
  const errors = byName(series.errorsByCode);
  const clientSide = byName(series.clientSideByCode);
  const clientRows = Object.entries(totals.clientSideByCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const errorRows = Object.entries(totals.errorsByCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  // A run that ended early (cancelled, interrupted) measured nothing after its end: the charts say so rather than draw on.
  const played = Math.min(scenario.duration, record.execution.reachedAt);
  const notPlayed = played < scenario.duration ? ` Grey: not played — the run ended at ${offset(played)} of ${offset(scenario.duration)}.` : '';
  return html`<section id="measurements"><h2>Measurements</h2>
<h3 id="fleet-availability">Availability of the fleet</h3>
${figure(availabilityChart(series.fleetAvailability.points.length ? [{ label: `fleet: ${clusterCount(Math.max(record.clusters.length, record.topology.clusters.length))}`, colour: seriesColour(0), points: series.fleetAvailability.points }] : [], scenario.duration, bands, { id: 'chart-fleet-availability', kind: 'fleet-availability', label: 'Percent of the fleet\'s clusters serving over the drill' }, played), [], `Percent of the clusters serving, averaged over each ${bucket} bucket; red: the share not serving; orange: faults in force.${notPlayed} The tenants table says which clusters, and for how long.`)}
<h3 id="availability">Availability per cluster</h3>
${large && availability.length === 0
    ? html`<p class="muted" id="availability-per-cluster-note">${`A chart per cluster is drawn for up to 24 clusters; this run has ${count(record.clusters.length)}. Each cluster's availability and the stretches it was not serving are in the tenants table above and in the CSV report (sections cluster-summary and cluster-down).`}</p>`
    : figure(availabilityChart(availability, scenario.duration, bands, { id: 'chart-availability', kind: 'availability', label: 'Availability per cluster over the drill, percent of each bucket serving' }, played), [], `Percent of each ${bucket} bucket a cluster was serving; red: time not serving; orange: faults in force.${notPlayed}`)}
<h3 id="kms-calls">KMS calls per bucket</h3>
${figure(lineChart(byRegion, { id: 'chart-kms-calls-by-region', kind: 'kms-calls-by-region', label: `KMS calls per ${bucket} by region`, duration: scenario.duration, unit: `calls / ${bucket}`, bands, emptyText: 'No KMS calls were recorded' }), byRegion, `By region: KMS calls that reached KMS, each counted once, failed calls included.${dashNote(byRegion)}`, 'chart-kms-calls-by-region')}
${figure(lineChart(byOperation, { id: 'chart-kms-calls-by-operation', kind: 'kms-calls-by-operation', label: `KMS calls per ${bucket} by operation`, duration: scenario.duration, unit: `calls / ${bucket}`, bands, emptyText: 'No KMS calls were recorded' }), byOperation, `By operation.${dashNote(byOperation)}`, 'chart-kms-calls-by-operation')}
<h3 id="errors">Errors by code</h3>
${figure(stackedBarChart(errors, { id: 'chart-errors-by-code', kind: 'errors-by-code', label: 'Failed KMS calls per bucket by error code', duration: scenario.duration, bucket: series.bucket, unitPrefix: 'errors per', bands, emptyText: 'No KMS call failed' }), errors, 'Failed KMS calls, stacked by error code.', 'chart-errors-by-code')}
${errorRows.length === 0 ? html`<p>No KMS call failed during the drill.</p>` : html`<table class="errors"><thead><tr><th>Error code</th><th class="num">Failed calls</th><th class="num">Share of all calls</th></tr></thead><tbody>${errorRows.map(([code, n]) => html`<tr><td><code>${code}</code></td><td class="num">${count(n)}</td><td class="num">${totals.kmsCalls > 0 ? percent((n / totals.kmsCalls) * 100, 2) : '—'}</td></tr>`)}</tbody></table>`}
<h3 id="client-side">Calls that never reached KMS</h3>
<p>A call refused before it reached KMS — a regional outage between the service and KMS, or a step the backend cannot enforce played on the client — is not a CloudTrail record: AWS never saw it. The drill keeps it as a client-side observation, counted apart from the KMS calls above and never exported as CloudTrail.</p>
${figure(stackedBarChart(clientSide, { id: 'chart-client-side-by-code', kind: 'client-side-by-code', label: 'Calls that never reached KMS per bucket, by the error the client saw', duration: scenario.duration, bucket: series.bucket, unitPrefix: 'calls per', bands, emptyText: 'Every call reached KMS' }), clientSide, 'Client-side observations, stacked by the error the client saw.', 'chart-client-side-by-code')}
${clientRows.length === 0 ? html`<p>Every call of the drill reached KMS.</p>` : html`<table class="errors client-side"><thead><tr><th>Client-side error</th><th class="num">Calls</th></tr></thead><tbody>${clientRows.map(([code, n]) => html`<tr><td><code>${code}</code></td><td class="num">${count(n)}</td></tr>`)}</tbody></table>`}
<h3 id="cache">Key cache</h3>
<figure>${ratioBar({ id: 'chart-cache-hit-ratio', kind: 'cache-hit-ratio', label: 'Key cache hits and misses', ratio: totals.cacheHitRatio, hits: totals.cacheHits, misses: totals.cacheMisses, emptyText: 'The key cache was not used' })}
<figcaption>${`Unwrapped keys served from the cache (green) versus misses (orange), whose key was unwrapped again — a database key locally with its node's master key, a master key by a KMS call — over ${count(totals.cacheHits + totals.cacheMisses)} key uses: ${count(totals.bulkOperations)} counted operations of the workload${totals.cacheHits + totals.cacheMisses > totals.bulkOperations ? ` and ${count(totals.cacheHits + totals.cacheMisses - totals.bulkOperations)} by records sealed or opened one by one (canaries, restores)` : ''}.`}</figcaption></figure>
</section>`;
}

function clusterCount(n: number): string {
  return `${count(n)} ${n === 1 ? 'cluster' : 'clusters'}`;
}
