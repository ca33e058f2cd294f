import type { FullRunRecord } from '../../src-shared/run-record';
import { html, trusted } from './html/html-template';
import { REPORT_CSS } from './html/report-styles';
import { backendSection, summarySection } from './html/section-summary';
import { dataAtRiskSection, definitionSection, integritySection, totalsSection } from './html/section-outcome';
import { measurementsSection } from './html/section-measurements';
import { timelineSection } from './html/section-timeline';
import { topologySection } from './html/section-topology';
import { verdictsSection } from './html/section-verdicts';
import { validRecord } from './valid-record';

/**
 * No scripts, no fetches: even if some text escaped its escaping, the browser would refuse to run
 * or load anything. Inline styles and data: images are all the report needs.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const CONTENTS: readonly [string, string][] = [
  ['verdicts', 'Verdicts'], ['backend', 'Backend'], ['topology', 'Topology and key hierarchy'], ['timeline', 'Timeline'],
  ['measurements', 'Measurements'], ['data-at-risk', 'Data at risk'], ['totals', 'Totals'], ['integrity', 'Event set integrity'], ['definition', 'Scenario definition'],
];

/**
 * The run record as one self-contained HTML document: inline CSS and SVG, no script, no external
 * URL, so it opens offline and prints as it shows. The same string feeds Chromium's PDF printing
 * here and Electron's printToPDF in the desktop app.
 */
export function renderHtmlReport(input: FullRunRecord): string {
  const record = validRecord(input);
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
${summarySection(record)}
<nav class="toc" aria-label="Contents"><ol>${CONTENTS.map(([id, label]) => html`<li><a href="#${id}">${label}</a></li>`)}</ol></nav>
${verdictsSection(record)}
${backendSection(record)}
${topologySection(record)}
${timelineSection(record)}
${measurementsSection(record)}
${dataAtRiskSection(record)}
${totalsSection(record)}
${integritySection(record)}
${definitionSection(record)}
<footer>${`KeyDrill report · run ${record.execution.runId} · ${record.format} v${record.version} · the JSON export of this run holds the same data in a documented schema.`}</footer>
</main>
</body>
</html>
`;
  return doc.text;
}
