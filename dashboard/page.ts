// The HTML shell of the wall (`/`) and of the per-OPD page (`/opd/:id`): layout and style only;
// everything shown comes from the stream and the API (dashboard/src). Sized in viewport units
// (and --ch, 1 % of a tile's content height, set by dashboard/src/wall.ts) so that 60 tiles fit
// a 1920×1080 (or 4K) screen without scrolling.
import type { Language } from '../collector/report/i18n.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;background:#0b1116;color:#e6edf3;font-family:"DejaVu Sans",system-ui,sans-serif}
body.wall{overflow:hidden}
#app{height:100vh;display:flex;flex-direction:column;transition:transform 2s}
header{display:flex;align-items:center;gap:1.2vw;padding:.6vh 1vw;background:#111a22;font-size:2.1vh}
header h1{font-size:2.8vh;margin:0;letter-spacing:.05em}
#clock{font-size:3.4vh;font-variant-numeric:tabular-nums;margin-left:auto}
#conn{padding:.2vh .8vw;border-radius:1vh;font-weight:bold}
#conn.live{background:#1f6f3a}#conn.stale{background:#a15c00}#conn.offline{background:#a31d1d}#conn.connecting{background:#44525e}
header button,header select{font-size:1.7vh;background:#24313c;color:#e6edf3;border:1px solid #3b4b58;border-radius:.6vh;padding:.3vh .6vw;cursor:pointer}
#banner{display:none;background:#a31d1d;color:#fff;font-size:2.6vh;font-weight:bold;text-align:center;padding:.6vh}
#banner.show{display:block}
main{flex:1;display:grid;grid-template-columns:1fr 23vw;gap:.8vw;padding:.8vh .8vw;min-height:0}
#tiles{display:grid;gap:.6vh .5vw;min-height:0;overflow:hidden}
.tile{position:relative;contain:size layout style;border-radius:.8vh;padding:.5vh .5vw;background:#16222c;border-left:.45vw solid #2f9e57;overflow:hidden;min-height:0;min-width:0;color:inherit;text-decoration:none}
.tile .in{position:absolute;top:.5vh;bottom:.5vh;left:.5vw;right:.5vw;contain:strict;display:flex;flex-direction:column;justify-content:space-between}
.tile .name{font-weight:bold;font-size:calc(17*var(--ch));line-height:1.1;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.tile .devs{font-size:calc(14*var(--ch));line-height:1.1;white-space:nowrap;overflow:hidden;font-variant-numeric:tabular-nums}
.tile .line{font-size:calc(13*var(--ch));line-height:1.1;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.bar{height:calc(8*var(--ch));flex:none;background:#2b3944;border-radius:calc(1*var(--ch));overflow:hidden}
.bar i{display:block;height:100%;background:#3fa7d6;transform-origin:left}
.bar.warning i{background:#e0a100}.bar.over i{background:#e5484d}.bar.no_data{background:repeating-linear-gradient(45deg,#2b3944 0 6px,#1c2730 6px 12px)}
.up{color:#5fd68a}.down{color:#ff6b6b;font-weight:bold}.unknown{color:#9aa7b2}
.tile.t-down{border-left-color:#e5484d;background:#5c1a1f}
.tile.t-warning{border-left-color:#e0a100;background:#2f2610}
.tile.t-unknown{border-left-color:#6b7a86}
.tile.t-ok{}
.fresh{box-shadow:0 0 0 .1vh #f5d90a}.pulse .fresh{box-shadow:0 0 0 .4vh #f5d90a}
#problems{background:#111a22;border-radius:.8vh;padding:.8vh .8vw;overflow:hidden;min-height:0;display:flex;flex-direction:column;gap:.6vh}
#problems h2{font-size:2.3vh;margin:.4vh 0;flex:none}
#open,#acked{display:flex;flex-direction:column;gap:.6vh}
.alert{display:grid;grid-template-columns:.6vw minmax(0,1fr) auto;flex:none;gap:.5vw;align-items:center;background:#18242e;border-radius:.6vh;padding:.5vh .4vw;font-size:1.9vh}
.alert .sev{align-self:stretch;border-radius:.3vh}
.alert.critical .sev{background:#e5484d}.alert.warning .sev{background:#e0a100}.alert.info .sev{background:#3fa7d6}
.alert.acked{opacity:.6}
.alert .meta{font-size:1.6vh;color:#9aa7b2;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.alert button{font-size:1.6vh}
.more{font-size:1.7vh;color:#9aa7b2}
dialog{background:#16222c;color:#e6edf3;border:1px solid #3b4b58;font-size:2vh}
dialog input{font-size:2vh}
body.opd #app{height:auto;display:block;padding:2vh 2vw;max-width:1800px}
.opd #app table{border-collapse:collapse;font-size:1rem}.opd td,.opd th{padding:.3rem .8rem;border-bottom:1px solid #2b3944;text-align:left}
.opd .chart{background:#fff;color:#111;margin:1rem 0;border-radius:6px;padding:.5rem;display:inline-block}
`;

/** `session`: who the request's cookie signs in (the page starts with it instead of asking). */
export function pageHtml(o: { entry: 'wall' | 'opd'; language: Language; etag: string; opd?: string; css?: string; session?: { name: string; role: string } }): string {
  const v = encodeURIComponent(o.etag.replace(/"/g, ''));
  const who = o.session ? ` data-user="${esc(o.session.name)}" data-role="${esc(o.session.role)}"` : '';
  const data = `data-language="${o.language}"${o.opd ? ` data-opd="${esc(o.opd)}"` : ''}${who}`;
  return `<!doctype html>
<html lang="${o.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Pantau</title><style>${CSS}${o.css ?? ''}</style></head>
<body class="${o.entry}" ${data}>
<div id="app"></div>
<script src="/assets/${o.entry}.js?v=${v}"></script>
</body>
</html>
`;
}
