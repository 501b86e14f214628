// The report's "Ketersediaan server" section (Pasal 15) equals GET /uptime: the JSON carries
// the same object, the CSV block the same figures, the HTML the same availability and outages;
// a month without observations says so and never shows 100 %.
import { afterEach, describe, expect, it } from 'vitest';
import { OTHER_AGENT_TOKEN, startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import type { UptimeReport } from '../../protocol/uptime.js';
import type { UsageReport } from '../../protocol/usage.js';
import { renderReport } from '../../collector/report/render.js';
import { withUptime, formatDuration, UPTIME_CSV_COLUMNS } from '../../collector/report/uptime-section.js';

const MIN = 60_000;
const NOV = Date.UTC(2026, 9, 31, 17, 0, 0); // 1 Nov 2026 00:00 WIB
const yaml = (sqlite: string) =>
  testConfigYaml(sqlite, `  - { id: srv-app, opd: bappeda, kind: server, address: 127.0.0.9, via: r3 }
uptime: { targetPct: { server: 99.5, router: 99 } }`).replace('poll: [r3]', 'poll: [r3, srv-app]');

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

async function scripted(col: TestCollector): Promise<void> {
  // srv-app up for 2 hours from 08:00 WIB on 3 Nov, down 08:30:00-08:37:30 (polls every 30 s
  // would be finer; here: every minute, the last failed at 08:37, first good at 08:38).
  const T0 = NOV + 2 * 86_400_000 + 8 * 3600_000;
  const samples = [];
  for (let k = 0; k < 120; k++) {
    const ts = T0 + k * MIN;
    samples.push({ type: 'poll', device: 'srv-app', ts, ok: !(k >= 30 && k < 38), ...(k >= 30 && k < 38 ? { error: 'snmp: no answer from 127.0.0.9:161 within 2 tries' } : {}) });
    samples.push({ type: 'ping', device: 'r3', ts, up: true });
  }
  const r = await col.post('/api/v1/ingest', { agent: 'a2', batch: 'nov', samples }, OTHER_AGENT_TOKEN);
  expect(r.status).toBe(200);
}

describe('the report section "Ketersediaan server"', () => {
  it('equals /uptime in JSON, CSV and HTML', async () => {
    const now = Date.UTC(2026, 11, 1, 2, 0, 0);
    c = await startTestCollector(yaml, { now: () => now });
    await scripted(c);
    const api = (await (await c.get('/api/v1/uptime?month=2026-11')).json()) as UptimeReport;
    const report = withUptime(c.usage.evaluate({ month: '2026-11', now }), c.uptime, now);

    const json = JSON.parse((await renderReport(report, 'json', { language: 'id' })).toString()) as UsageReport;
    expect(json.uptime).toEqual(api);
    const usage = (await (await c.get('/api/v1/usage?month=2026-11')).json()) as UsageReport;
    const { uptime: _u, ...bandwidth } = json;
    expect({ ...bandwidth, generatedAt: 0 }).toEqual({ ...usage, generatedAt: 0 });

    const srv = api.devices.find((d) => d.device === 'srv-app')!;
    expect(srv).toMatchObject({ upS: 113 * 60, downS: 8 * 60, outages: [{ durationS: 480, endedBy: 'up' }], target: { pct: 99.5, result: 'not_met' } });

    const csv = (await renderReport(report, 'csv', { language: 'id' })).toString();
    const [, block] = csv.split('\r\n\r\n');
    const [header, ...rows] = block.trim().split('\r\n').map((l) => l.split(','));
    expect(header).toEqual(UPTIME_CSV_COLUMNS.map(([n]) => n));
    expect(rows.map((r) => r[0])).toEqual(['srv-app', 'r1', 'r2', 'r3']); // servers first
    const row = Object.fromEntries(header.map((h, i) => [h, rows[0][i]]));
    expect(row).toMatchObject({ device: 'srv-app', availability_pct: String(srv.availabilityPct), target_result: 'not_met', down_s: '480', outages: '1', mttr_s: '480', via: 'r3' });
    expect(row.outage_list).toBe('2026-11-03T08:30:00+07:00/2026-11-03T08:38:00+07:00');
    const r1 = Object.fromEntries(header.map((h, i) => [h, rows[1][i]]));
    expect(r1).toMatchObject({ state: 'no_data', availability_pct: '', target_result: 'no_data' });

    const html = (await renderReport(report, 'html', { language: 'id' })).toString();
    expect(html).toContain('<h2>Ketersediaan server</h2>');
    expect(html).toContain('Pasal 15');
    const srvRow = /<tr data-device="srv-app">.*?<\/tr>/s.exec(html)![0];
    expect(srvRow).toContain('93,388\u00a0%'); // 113 of 121 observed minutes (the last poll stands for two)
    expect(srvRow).toContain('Tidak tercapai');
    expect(srvRow).toContain(formatDuration(480, 'id'));
    expect(formatDuration(480, 'id')).toBe('8 mnt');
    expect(html).toContain('3 Nov pukul 08.30 WIB – 3 Nov pukul 08.38 WIB: 8 mnt');
    const r1Row = /<tr class="row-no_data" data-device="r1">.*?<\/tr>/s.exec(html)![0];
    expect(r1Row).toContain('Data tidak tersedia');
    expect(r1Row).not.toContain('100');
    const en = (await renderReport(report, 'html', { language: 'en' })).toString();
    expect(en).toContain('<h2>Server availability</h2>');
    expect(en).toContain('93.388\u00a0%');
  });

  it('says so for a month without observations, never 100 %', async () => {
    const now = Date.UTC(2026, 11, 1, 2, 0, 0);
    c = await startTestCollector(yaml, { now: () => now });
    const report = withUptime(c.usage.evaluate({ month: '2026-10', now }), c.uptime, now);
    expect(report.uptime!.state).toBe('no_data');
    const html = (await renderReport(report, 'html', { language: 'id' })).toString();
    const section = /<section class="uptime">.*?<\/section>/s.exec(html)![0];
    expect(section).toContain('Tidak ada pengamatan perangkat pada bulan ini');
    expect(section).not.toMatch(/100[,.]0*\u00a0%/);
    expect(section.match(/Data tidak tersedia/g)).toHaveLength(4);
  });
});
