// One OPD's page (/opd/:id): its devices and their states, this month's evaluation, backups
// and up-time (when the collector has them), and the rate of each uplink over the last day
// from /api/v1/series, drawn with uPlot (small, canvas-based, fast with thousands of points).
import uPlot from 'uplot';
import { esc, initialLang, words } from './i18n.js';
import { api } from './session.js';

const body = document.body;
const lang = initialLang(body.dataset.language);
const w = words(lang);
const id = body.dataset.opd!;
const app = document.getElementById('app')!;
const nf = (n: number, d = 1) => n.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', { maximumFractionDigits: d });
const gb = (bytes: string) => `${nf(Number(BigInt(bytes) / 1_000_000n) / 1000, 2)} GB`;
const optional = (p: Promise<any>) => p.catch(() => undefined);

async function main(): Promise<void> {
  const [status, usage, backups] = await Promise.all([
    api('/api/v1/status'),
    api(`/api/v1/usage?opd=${encodeURIComponent(id)}`),
    optional(api('/api/v1/backups')),
  ]);
  const opd = status.opds.find((o: any) => o.id === id);
  const u = usage.opds[0];
  const devices = status.devices.filter((d: any) => d.opd === id);
  const b = backups?.opds?.find?.((x: any) => x.opd === id);
  const q = u.quota ?? {};
  app.className = 'opd';
  app.innerHTML = `<p><a href="/" style="color:#8cc8ff">← ${w.back}</a></p>
<h1>${esc(opd?.name ?? id)}</h1>
<h2>${w.devices}</h2>
<table><tr><th>ID</th><th>Kind</th><th>State</th><th>Address</th></tr>${devices
    .map((d: any) => `<tr data-device="${esc(d.id)}"><td>${esc(d.id)}</td><td>${esc(d.kind)}</td><td>${esc(w.state[d.state] ?? d.state)}</td><td>${esc(d.address)}</td></tr>`)
    .join('')}</table>
<h2>${w.evaluation} (${esc(usage.month)})</h2>
<table data-usage-status="${esc(u.status)}">
<tr><th>Status</th><td>${esc(w.usageStatus[u.status] ?? u.status)}</td></tr>
<tr><th>${w.bandwidth}</th><td>${u.status === 'no_data' ? w.noData : gb(u.countedBytes)}${q.volumeBytes ? ` / ${gb(q.volumeBytes)}` : ''}${u.usedPct.volume !== undefined ? ` (${nf(u.usedPct.volume)} %)` : ''}</td></tr>
<tr><th>p95</th><td>${u.status === 'no_data' ? w.noData : `${nf(u.p95Bps.maxBps / 1e6)} Mbit/s`}${q.rateBps ? ` / ${nf(q.rateBps / 1e6)} Mbit/s` : ''}</td></tr>
<tr><th>Coverage</th><td>${nf(u.coverage * 100)} %</td></tr>
<tr><th>→</th><td>${esc(u.recommendation?.reason ?? '')}</td></tr>
<tr><th>${w.backup}</th><td>${b ? esc(w.backupStatus[b.status] ?? b.status) : '—'}</td></tr>
</table>
<h2>${w.rates}</h2><div id="charts"></div>`;
  const charts = document.getElementById('charts')!;
  for (const up of u.uplinks ?? []) {
    const s = await optional(api(`/api/v1/series?device=${encodeURIComponent(up.device)}&interface=${encodeURIComponent(up.interface)}`));
    const div = document.createElement('div');
    div.className = 'chart';
    div.dataset.chart = `${up.device}:${up.interface}`;
    charts.appendChild(div);
    if (!s || s.points.length === 0) {
      div.textContent = `${up.device} ${up.interface}: ${w.noData}`;
      continue;
    }
    const xs = s.points.map((p: any) => p.ts / 1000);
    new uPlot(
      {
        title: `${up.device} ${up.interface}`,
        width: Math.min(1600, window.innerWidth - 80),
        height: 280,
        series: [{}, { label: w.inbound, stroke: '#1f77b4' }, { label: w.outbound, stroke: '#d62728' }],
        axes: [{}, { label: 'Mbit/s' }],
      },
      [xs, s.points.map((p: any) => p.inBps / 1e6), s.points.map((p: any) => p.outBps / 1e6)],
      div,
    );
  }
}

main().catch((e) => {
  app.innerHTML = `<p><a href="/">← ${w.back}</a></p><p>${esc(e.message === '401' ? w.loginNeeded : e.message)}</p>`;
});
