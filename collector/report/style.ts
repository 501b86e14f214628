// The report's inline stylesheet: A4 portrait, readable on screen at 794 px and in print.
// Tables use table-layout: fixed with percentage widths and wrap long words, so nothing is
// wider than the page whatever the OPD names are.
/** Arial metrics first (narrow, on every office PC), then common Linux fallbacks. */
export const FONT = 'Arial, "Liberation Sans", "Helvetica Neue", "Noto Sans", "DejaVu Sans", sans-serif';

export const REPORT_CSS = `
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #fff; color: #1c2733; font: 9.5pt/1.4 ${FONT}; }
.page { width: 100%; max-width: 210mm; margin: 0 auto; padding: 12mm 12mm; }
@media print { .page { padding: 0; max-width: none; } }
h1, h2, h3 { color: #16324f; margin: 0; }
h1 { font-size: 17pt; letter-spacing: .2px; }
h2 { font-size: 12pt; margin: 16pt 0 6pt; padding-bottom: 3pt; border-bottom: 1.5px solid #16324f; break-after: avoid; }
h3 { font-size: 10pt; margin: 10pt 0 4pt; break-after: avoid; }
p { margin: 0 0 6pt; }
.muted { color: #5f6b7a; }
.small { font-size: 8pt; }
.kop { border-bottom: 3px double #16324f; padding-bottom: 7pt; margin-bottom: 9pt; }
.kop-row { display: flex; justify-content: space-between; align-items: flex-end; gap: 12pt; margin-top: 2pt; }
.kop .org { font-size: 9pt; text-transform: uppercase; letter-spacing: .6px; color: #3d4f63; font-weight: 600; }
.kop .meta { text-align: right; font-size: 8pt; color: #3d4f63; }
.kop .period { font-size: 11pt; font-weight: 600; color: #16324f; }
.lead { background: #f2f5f9; border-left: 3px solid #16324f; padding: 6pt 9pt; margin: 8pt 0 4pt; }
.notice { background: #fff6e0; border-left: 3px solid #c07a00; padding: 4pt 8pt; margin: 6pt 0; font-size: 8.5pt; }
.kpis { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.5fr) repeat(4, minmax(0, 1fr)); gap: 6pt; margin: 8pt 0 4pt; }
.kpi { border: 1px solid #d5dbe3; border-radius: 4px; padding: 5pt 6pt; background: #fbfcfd; }
.kpi .v { font-size: 15pt; font-weight: 700; color: #16324f; line-height: 1.2; overflow-wrap: anywhere; }
.kpi .k { font-size: 7.5pt; color: #5f6b7a; line-height: 1.25; }
.kpi.over .v { color: #b3261e; } .kpi.warning .v { color: #c07a00; }
table { width: 100%; table-layout: fixed; border-collapse: collapse; margin: 4pt 0 8pt; font-size: 8pt; }
th, td { padding: 3pt 4pt; border-bottom: 1px solid #e3e8ee; vertical-align: top; overflow-wrap: anywhere; word-break: break-word; hyphens: auto; }
thead th { background: #16324f; color: #fff; font-weight: 600; text-align: left; font-size: 7.5pt; line-height: 1.25; vertical-align: bottom; overflow-wrap: break-word; word-break: normal; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
tbody tr:nth-child(even) td { background: #f7f9fb; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.c, th.c { text-align: center; }
.pill { display: inline-block; padding: 0 5pt; border-radius: 8pt; font-size: 7pt; font-weight: 600; line-height: 1.6; white-space: nowrap; max-width: 100%; overflow: hidden; text-overflow: ellipsis; vertical-align: middle; }
.nw { white-space: nowrap; }
table.eval { font-size: 7.8pt; }
table.eval td .pill { margin-top: 1.5pt; }
tr.row-over td:first-child { box-shadow: inset 3px 0 0 #b3261e; } tr.row-warning td:first-child { box-shadow: inset 3px 0 0 #c07a00; }
.st-ok { background: #e4f1e6; color: #1f5c2a; } .st-warning { background: #fff0cc; color: #7a4b00; } .st-over { background: #fbdcd9; color: #8e1b15; }
.ac-increase { color: #8e1b15; font-weight: 700; } .ac-keep { color: #3d4f63; } .ac-decrease { color: #1f4f7a; font-weight: 700; }
.over-num { color: #b3261e; font-weight: 700; } .warn-num { color: #9a6100; font-weight: 700; }
.legend { font-size: 8pt; color: #3d4f63; margin: 2pt 0 4pt; }
.legend .sw { display: inline-block; width: 14pt; height: 7pt; border-radius: 1.5px; margin: 0 3pt 0 9pt; vertical-align: middle; }
.legend .sw:first-child { margin-left: 0; }
.chart-chunk { break-inside: avoid; margin-bottom: 6pt; }
svg { display: block; max-width: 100%; height: auto; }
.daily-grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 4pt 10pt; }
.daily-cell { break-inside: avoid; border-bottom: 1px solid #eef1f5; padding-bottom: 2pt; }
.opd-detail { break-inside: avoid; border: 1px solid #d5dbe3; border-radius: 4px; padding: 6pt 8pt; margin: 0 0 7pt; }
.opd-detail h3 { margin: 0 0 3pt; display: flex; justify-content: space-between; gap: 8pt; }
.opd-detail h3 .id { font-weight: 400; color: #5f6b7a; font-size: 8pt; }
.opd-detail table { margin: 2pt 0 3pt; }
.opd-detail td, .opd-detail th { padding: 1.5pt 4pt; }
.kv td:nth-child(odd) { color: #5f6b7a; }
.opd-detail tbody tr:nth-child(even) td { background: none; }
.reason { margin: 2pt 0; }
.flags { margin: 2pt 0 0; padding-left: 14pt; color: #7a4b00; font-size: 8pt; }
.sign { margin-top: 14pt; font-size: 8pt; color: #5f6b7a; border-top: 1px solid #d5dbe3; padding-top: 4pt; }
.page-break { break-before: page; }
`;
