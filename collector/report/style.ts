// The report's inline stylesheet: A4 portrait, readable on screen at 794 px and in print.
// Tables use table-layout: fixed with percentage widths. Header cells never break inside a
// word (their columns are wide enough for their longest word), figures never break at all
// (class "fig"), names and reasons wrap at spaces. Headings stay with what follows them.
/** Arial metrics first (narrow, on every office PC), then common Linux fallbacks. */
export const FONT = 'Arial, "Liberation Sans", "Helvetica Neue", "Noto Sans", "DejaVu Sans", sans-serif';

export const REPORT_CSS = `
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #fff; color: #1c2733; font: 9.5pt/1.4 ${FONT}; }
.page { width: 100%; max-width: 210mm; margin: 0 auto; padding: 12mm 12mm; }
@media print { .page { padding: 0; max-width: none; } }
h1, h2, h3 { color: #16324f; margin: 0; break-after: avoid; }
h1 { font-size: 16pt; letter-spacing: .2px; margin-top: 6pt; }
h2 { font-size: 12pt; margin: 16pt 0 6pt; padding-bottom: 3pt; border-bottom: 1.5px solid #16324f; }
h3 { font-size: 10pt; margin: 10pt 0 4pt; }
p { margin: 0 0 6pt; }
.muted { color: #5f6b7a; }
.small { font-size: 8pt; }
.fig, .nw { white-space: nowrap; }
.kop { border-bottom: 3px double #16324f; padding-bottom: 7pt; margin-bottom: 9pt; }
.kop-top { display: flex; align-items: center; gap: 10pt; border-bottom: 2px solid #16324f; padding-bottom: 6pt; margin-bottom: 4pt; }
.kop-top .logo { width: 58pt; height: 58pt; object-fit: contain; flex: none; }
.kop-text { flex: 1; text-align: center; }
.kop .gov { font-size: 11pt; text-transform: uppercase; letter-spacing: .4px; }
.kop .org { font-size: 13pt; font-weight: 700; text-transform: uppercase; letter-spacing: .4px; color: #16324f; }
.kop .addr { font-size: 8.5pt; color: #3d4f63; }
.kop-row { display: flex; justify-content: space-between; align-items: flex-end; gap: 12pt; margin-top: 4pt; }
.kop .meta { text-align: right; font-size: 8pt; color: #3d4f63; }
table.meta-l { width: auto; margin: 0; font-size: 9pt; table-layout: auto; }
table.meta-l td { border: 0; padding: 0 6pt 0 0; background: none !important; overflow-wrap: normal; }
.lead { background: #f2f5f9; border-left: 3px solid #16324f; padding: 6pt 9pt; margin: 8pt 0 4pt; }
.notice { background: #fff6e0; border-left: 3px solid #c07a00; padding: 4pt 8pt; margin: 6pt 0; font-size: 8.5pt; }
.notice.nodata { background: #eef0f3; border-left-color: #5f6b7a; font-size: 9.5pt; }
.kpis { display: flex; flex-wrap: wrap; gap: 6pt; margin: 8pt 0 4pt; }
.kpi { flex: 1 1 0; min-width: min-content; border: 1px solid #d5dbe3; border-radius: 4px; padding: 5pt 6pt; background: #fbfcfd; }
.kpi.wide { flex-grow: 2.2; }
.kpi .v { font-size: 13pt; font-weight: 700; color: #16324f; line-height: 1.2; }
.kpi .k { font-size: 7.5pt; color: #5f6b7a; line-height: 1.25; }
.kpi.over .v { color: #b3261e; } .kpi.warning .v { color: #c07a00; } .kpi.nodata .v { color: #5f6b7a; }
table { width: 100%; table-layout: fixed; border-collapse: collapse; margin: 4pt 0 8pt; font-size: 8pt; }
th, td { padding: 3pt 3pt; border-bottom: 1px solid #e3e8ee; vertical-align: top; overflow-wrap: break-word; }
thead th { background: #16324f; color: #fff; font-weight: 600; text-align: left; font-size: 7pt; line-height: 1.25; vertical-align: bottom; overflow-wrap: normal; word-break: normal; hyphens: manual; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
tbody tr:nth-child(even) td { background: #f7f9fb; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.c, th.c { text-align: center; }
td.nodata, p.nodata, .dt.nodata { color: #5f6b7a; font-style: italic; }
td.nodata { text-align: center; }
.pill { display: inline-block; padding: 0 5pt; border-radius: 8pt; font-size: 7pt; font-weight: 600; line-height: 1.5; max-width: 100%; vertical-align: middle; }
table.eval { font-size: 7.6pt; }
table.eval td .pill { margin-top: 1.5pt; }
tr.row-over td:first-child { box-shadow: inset 3px 0 0 #b3261e; } tr.row-warning td:first-child, tr.row-projected_over td:first-child { box-shadow: inset 3px 0 0 #c07a00; }
.st-ok { background: #e4f1e6; color: #1f5c2a; } .st-warning { background: #fff0cc; color: #7a4b00; } .st-over { background: #fbdcd9; color: #8e1b15; }
.st-projected_over { background: #ffe6c7; color: #7a3d00; } .st-no_data { background: #e8ebef; color: #3d4f63; }
.ac-increase { color: #8e1b15; font-weight: 700; } .ac-keep { color: #3d4f63; } .ac-decrease { color: #1f4f7a; font-weight: 700; } .ac-withheld { color: #5f6b7a; font-style: italic; }
.over-num { color: #b3261e; font-weight: 700; } .warn-num { color: #9a6100; font-weight: 700; }
.legend { font-size: 8pt; color: #3d4f63; margin: 2pt 0 4pt; }
.legend .sw { display: inline-block; width: 14pt; height: 7pt; border-radius: 1.5px; margin: 0 3pt 0 9pt; vertical-align: middle; }
.legend .sw:first-child { margin-left: 0; }
.keep { break-inside: avoid; }
.chart-chunk { break-inside: avoid; margin-bottom: 6pt; background: #fff; }
svg { display: block; max-width: 100%; height: auto; }
.daily-grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 6pt 10pt; }
.daily-cell { break-inside: avoid; border-bottom: 1px solid #eef1f5; padding-bottom: 2pt; }
.daily-cell .dn { font-weight: 700; font-size: 8pt; line-height: 1.2; }
.daily-cell .dt { font-size: 7pt; color: #5f6b7a; }
.opd-detail { break-inside: avoid; border: 1px solid #d5dbe3; border-radius: 4px; padding: 6pt 8pt; margin: 0 0 7pt; }
.opd-detail h3 { margin: 0 0 3pt; display: flex; justify-content: space-between; gap: 8pt; }
.opd-detail h3 .id { font-weight: 400; color: #5f6b7a; font-size: 8pt; }
.opd-detail table { margin: 2pt 0 3pt; }
.opd-detail td, .opd-detail th { padding: 1.5pt 4pt; }
.kv td:nth-child(odd) { color: #5f6b7a; }
.opd-detail tbody tr:nth-child(even) td { background: none; }
.reason { margin: 2pt 0; }
.flags { margin: 2pt 0 0; padding-left: 14pt; color: #7a4b00; font-size: 8pt; }
.method ol { margin: 0; padding-left: 14pt; font-size: 8.5pt; }
.method li { margin-bottom: 3pt; }
.method .basis { font-size: 8.5pt; font-style: italic; }
.signature { break-inside: avoid; width: 48%; margin: 18pt 0 0 auto; font-size: 9.5pt; }
.signature .sign-space { height: 48pt; }
.signature .sig-name { font-weight: 700; text-decoration: underline; }
.sign { margin-top: 14pt; font-size: 8pt; color: #5f6b7a; border-top: 1px solid #d5dbe3; padding-top: 4pt; }
.page-break { break-before: page; }
`;
