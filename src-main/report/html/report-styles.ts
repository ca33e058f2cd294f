/**
 * The report's whole stylesheet, inlined so the file opens offline. Light theme, system fonts
 * (no web fonts to fetch), and print rules so the PDF and a browser's "Print" keep charts and table
 * rows whole.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --text: #1f2937; --muted: #6b7280; --line: #e5e7eb; --soft: #f9fafb;
  --ok: #15803d; --ok-bg: #dcfce7; --bad: #b91c1c; --bad-bg: #fee2e2; --warn: #b45309; --warn-bg: #fef3c7; --accent: #0f4c81; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #ffffff; color: var(--text);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 28px 64px; }
h1 { font-size: 28px; line-height: 1.25; margin: 4px 0 12px; }
h2 { font-size: 20px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); break-after: avoid; }
h3 { font-size: 16px; margin: 24px 0 8px; break-after: avoid; }
p { margin: 8px 0; }
a { color: var(--accent); }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.86em; }
code { background: #f3f4f6; border-radius: 4px; padding: 1px 4px; overflow-wrap: anywhere; }
.eyebrow { text-transform: uppercase; letter-spacing: 0.08em; font-size: 12px; color: var(--muted); margin: 0; }
.description { white-space: pre-line; max-width: 75ch; }
.muted { color: var(--muted); }
.banner { display: flex; gap: 12px; align-items: baseline; padding: 12px 16px; border-radius: 8px; font-size: 17px; margin: 16px 0; }
.banner strong { font-size: 20px; }
.banner.pass { background: var(--ok-bg); color: var(--ok); border: 1px solid #86efac; }
.banner.fail { background: var(--bad-bg); color: var(--bad); border: 1px solid #fca5a5; }
.banner.warn { background: var(--warn-bg); color: var(--warn); border: 1px solid #fcd34d; }
.banner.stopped { background: #f3f4f6; color: #374151; border: 2px dashed #6b7280; }
.banner span { flex: 1; }
.notice.stopped { padding: 8px 12px; border-left: 4px solid #6b7280; background: #f3f4f6; }
dl.measured { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; font-size: 14px; }
dl.measured dt { color: var(--muted); }
dl.measured dd { margin: 0; font-weight: 600; }
.verdict.failed dd.measured-value { color: var(--bad); }
h4 { font-size: 15px; margin: 0 0 6px; }
article.tenant { border: 1px solid var(--line); border-left: 5px solid var(--bad); border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
article.tenant table { margin: 6px 0; }
ul.tenant-risks { margin: 4px 0 8px; padding-left: 20px; font-size: 0.9em; }
table.compact { font-size: 0.82em; }
table.compact th, table.compact td { padding: 2px 6px; }
table.tenant-table td:nth-child(n+3), table.tenant-table th:nth-child(n+3) { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.tenant-table td:first-child { white-space: nowrap; }
tr.affected td:first-child { font-weight: 600; }
tr.gap td { font-style: italic; }
code.principal { font-size: 0.78em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 12px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
nav.toc { margin: 20px 0; padding: 10px 14px; background: var(--soft); border: 1px solid var(--line); border-radius: 8px; font-size: 14px; }
nav.toc ol { margin: 0; padding-left: 20px; columns: 2; }
table { width: 100%; border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9em; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap, span.nowrap { white-space: nowrap; }
.clock { font-size: 0.85em; white-space: nowrap; }
.hex { overflow-wrap: anywhere; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.pill.ok { background: var(--ok-bg); color: var(--ok); }
.pill.bad { background: var(--bad-bg); color: var(--bad); }
.pill.warn { background: var(--warn-bg); color: var(--warn); }
.pill.unknown { background: var(--soft); color: var(--muted); border: 1px solid var(--line); }
.verdict { border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 6px; padding: 10px 14px; margin: 10px 0; break-inside: avoid; }
.verdict.failed { border-left-color: var(--bad); background: #fffafa; }
.verdict .summary { font-size: 15.5px; font-weight: 600; margin: 4px 0; }
.verdict .expectation { color: var(--muted); font-size: 13px; }
.evidence { font-size: 0.85em; margin-top: 6px; }
.evidence a { text-decoration: none; }
.evidence code { margin: 0 2px 2px 0; display: inline-block; }
figure { margin: 12px 0 20px; break-inside: avoid; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
svg.chart { display: block; width: 100%; height: auto; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif; }
ul.legend { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
ul.legend li::before { content: ""; display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; background: var(--swatch); }
ul.legend li.hatched::before { content: none; }
ul.legend svg.swatch { width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; break-inside: avoid; }
.card .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .label { font-size: 12.5px; color: var(--muted); }
.hash { font-size: 14px; word-break: break-all; }
pre.definition { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 12px; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
code:target { background: #fde68a; outline: 2px solid #f59e0b; }
footer { margin-top: 48px; font-size: 12.5px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 10px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 12px; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-before: auto; }
  a { color: inherit; text-decoration: none; }
}
`;
