import type { FullRunRecord } from '../../src-shared/run-record';
import { summedUp } from '../../src-shared/record-counts';
import { faultWindows } from './fault-windows';
import { fleetView } from './html/fleet-view';
import { html, trusted } from './html/html-template';
import { REPORT_CSS } from './html/report-styles';
import { backendSection } from './html/section-backend';
import { dataAtRiskSection, definitionSection, integritySection, totalsSection } from './html/section-outcome';
import { measurementsSection } from './html/section-measurements';
import { notSummedSection } from './html/section-not-summed';
import { summarySection } from './html/section-summary';
import { tenantsSection } from './html/section-tenants';
import { timelineSection } from './html/section-timeline';
import { lastRecordedHierarchy, topologySection } from './html/section-topology';
import { verdictsSection } from './html/section-verdicts';
import { digestTimeline } from './html/timeline-digest';
import type { RunSource } from './run-source';
import { checkedSource } from './valid-record';

/**
 * No scripts, no fetches: even if some text escaped its escaping, the browser would refuse to run
 * or load anything. Inline styles and data: images are all the report needs.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const CONTENTS: readonly [string, string][] = [
  ['verdicts', 'Verdicts'], ['tenants', 'Tenants and regions'], ['data-at-risk', 'Data at risk'], ['timeline', 'Timeline'], ['measurements', 'Measurements'],
  ['backend', 'Backend'], ['topology', 'Topology and key hierarchy'], ['totals', 'Totals'], ['integrity', 'Event set integrity'], ['definition', 'Scenario definition'],
];

/**
 * The run record as one self-contained HTML document: inline CSS and SVG, no script, no external
 * URL, so it opens offline and prints as it shows. The same string feeds Chromium's PDF printing
 * here and Electron's printToPDF in the desktop app. Verdicts first, then the tenants and what they
 * lost; a fleet's report shows the worst in detail and the rest in compact tables, so a 1,000-tenant
 * drill still reads (and prints) in a few megabytes. The timeline is read once, as the source yields it.
 */
export function renderHtmlReport(input: RunSource | FullRunRecord): string {
  const source = checkedSource(input);
  const record = source.head;
  const fleet = fleetView(record);
  const timeline = digestTimeline(source.timeline(), record, fleet.worst.map((c) => c.cluster));
  const bands = faultWindows(record, timeline.shown);
  // A run that never summed itself up has no measurements or totals, only the zeros it started with.
  const summed = summedUp(record.execution);
  // A run that did not finish has no end state in its head: show the hierarchy its last frame left.
  const lastRecorded = record.execution.status !== 'completed' && record.hierarchy.nodes.length === 0 ? lastRecordedHierarchy(source.frames()) : undefined;
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta id="csp" http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="KeyDrill">
<title>${`${record.scenario.title} — KeyDrill report`}</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
<main>
${summarySection(record, fleet, timeline, source.stored)}
<nav class="toc" aria-label="Contents"><ol>${CONTENTS.map(([id, label]) => html`<li><a href="#${id}">${label}</a></li>`)}</ol></nav>
${verdictsSection(record)}
${tenantsSection(record, fleet, timeline)}
${dataAtRiskSection(record)}
${timelineSection(record, timeline, bands)}
${summed ? measurementsSection(record, bands, fleet.large) : notSummedSection('measurements', 'Measurements', 'measurements', record, source.stored)}
${backendSection(record)}
${topologySection(record, fleet, lastRecorded)}
${summed ? totalsSection(record) : notSummedSection('totals', 'Totals', 'totals', record, source.stored)}
${integritySection(record, timeline)}
${definitionSection(record)}
<footer>${`KeyDrill report · run ${record.execution.runId} · ${record.execution.status} · ${record.format} v${record.version} · the JSON export of this run holds the same data in a documented schema, with every timeline entry and the whole hierarchy history.`}</footer>
</main>
</body>
</html>
`;
  return doc.text;
}
