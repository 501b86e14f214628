// Planned maintenance apart from outages (issue 11): down time inside a silence's window is
// `maintenance`, not an outage, and is left out of availability:
//   availability = up / (period − maintenance − unknown) = up / (up + down).
// Up and unknown time inside a window stay up and unknown. Pure rules first, then a collector
// on an injected clock: silences made through POST /silences, samples through POST /ingest,
// figures from GET /uptime and the report's section (id, en, CSV).
import { afterEach, describe, expect, it } from 'vitest';
import { planned, type MaintenanceWindow } from '../../collector/uptime/maintenance.js';
import { monthFigures } from '../../collector/uptime/figures.js';
import { testConfigHead, OTHER_AGENT_TOKEN, OPERATOR_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import type { UptimeReport } from '../../protocol/uptime.js';
import { renderReport } from '../../collector/report/render.js';
import { uptimeReader } from '../../collector/uptime/reader.js';
import { UPTIME_CSV_COLUMNS, withUptime } from '../../collector/report/uptime-section.js';

const S = 1000;
const MIN = 60_000;
const w = (start: number, end: number, silence = 1, reason = 'ganti UPS'): MaintenanceWindow => ({ start, end, silence, reason });

describe('planned()', () => {
  it('turns only down time inside windows into maintenance; up and unknown stay; overlapping windows count once', () => {
    const segs = [
      { from: 0, to: 100 * S, state: 'up' as const },
      { from: 100 * S, to: 200 * S, state: 'down' as const },
      { from: 200 * S, to: 300 * S, state: 'unknown' as const },
      { from: 300 * S, to: 400 * S, state: 'down' as const },
    ];
    expect(planned(segs, [w(50 * S, 150 * S), w(120 * S, 170 * S, 2), w(250 * S, 350 * S, 3)])).toEqual([
      { from: 0, to: 100 * S, state: 'up' },
      { from: 100 * S, to: 170 * S, state: 'maintenance' },
      { from: 170 * S, to: 200 * S, state: 'down' },
      { from: 200 * S, to: 300 * S, state: 'unknown' },
      { from: 300 * S, to: 350 * S, state: 'maintenance' },
      { from: 350 * S, to: 400 * S, state: 'down' },
    ]);
    expect(planned(segs, [])).toEqual(segs);
  });

  it('gives figures with maintenance apart: no outage for planned time, an overrun is an outage, one that runs into a window ends there', () => {
    const segs = [
      { from: 0, to: 100 * S, state: 'up' as const },
      { from: 100 * S, to: 300 * S, state: 'down' as const }, // window 150-250: outage 100-150, maintenance 150-250, outage 250-300
      { from: 300 * S, to: 500 * S, state: 'up' as const },
      { from: 500 * S, to: 600 * S, state: 'unknown' as const },
    ];
    const windows = [w(150 * S, 250 * S, 7, 'ganti router')];
    const f = monthFigures(planned(segs, windows), 0, 600 * S, 'month_end', windows);
    expect(f).toMatchObject({ upS: 300, downS: 100, maintenanceS: 100, unknownS: 100, periodS: 600, observed: 500 / 600, mttrS: 50, mtbfS: 150 });
    // up / (period − maintenance − unknown) = 300 / (600 − 100 − 100)
    expect(f.availabilityPct).toBe((300 / 400) * 100);
    expect(f.outages).toEqual([
      { start: 100 * S, end: 150 * S, durationS: 50, endedBy: 'maintenance' },
      { start: 250 * S, end: 300 * S, durationS: 50, endedBy: 'up' },
    ]);
    expect(f.maintenance).toEqual([{ start: 150 * S, end: 250 * S, durationS: 100, silences: [{ id: 7, reason: 'ganti router' }] }]);
  });

  it('has no availability when all down time was planned and nothing was up: null, never 100 %', () => {
    const segs = [{ from: 0, to: 100 * S, state: 'down' as const }, { from: 100 * S, to: 600 * S, state: 'unknown' as const }];
    const windows = [w(0, 100 * S)];
    const f = monthFigures(planned(segs, windows), 0, 600 * S, 'month_end', windows);
    expect(f).toMatchObject({ availabilityPct: null, upS: 0, downS: 0, maintenanceS: 100, outages: [], observed: 100 / 600 });
  });
});

/** 2026-11-01 00:00 WIB. */
const NOV = Date.UTC(2026, 9, 31, 17, 0, 0);
const NOV_S = 30 * 86_400;
const yaml = (sqlite: string) => `
${testConfigHead(sqlite)}agents:
  - { id: a2, token: ${OTHER_AGENT_TOKEN}, intervalSeconds: 60, poll: [srv2] }
opds:
  - { id: dinkes, name: Dinas Kesehatan }
devices:
  - { id: srv2, opd: dinkes, kind: server, address: 127.0.0.3 }
uptime:
  targetPct: { server: 99.5 }
`;

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

describe('maintenance in GET /uptime and the report', () => {
  it('reports down time inside silences as planned maintenance, apart from outages, with availability excluding it', async () => {
    const T0 = NOV + 2 * 86_400_000 + 3600_000; // 01:00 WIB on 3 Nov
    const at = (k: number) => T0 + k * MIN;
    const clock = { t: T0 - 3600_000 };
    c = await startTestCollector(yaml, { now: () => clock.t });
    const silence = async (body: object) => {
      const r = await c!.post('/api/v1/silences', body, OPERATOR_TOKEN);
      expect(r.status).toBe(201);
      return ((await r.json()) as { id: number }).id;
    };
    const ups = await silence({ device: 'srv2', reason: 'ganti UPS', start: at(30), end: at(60) });
    await silence({ opd: 'dinkes', kind: 'backup_missing', reason: 'server cadangan dipindah', start: at(115), end: at(130) }); // another kind: not planned down time
    await silence({ opd: 'dinkes', reason: 'pemadaman listrik terjadwal', start: at(145), end: at(165) }); // covers only up and unobserved time

    clock.t = Date.UTC(2026, 11, 2, 3, 0, 0); // 2 Dec: November is complete
    // Polled every minute for three hours; k 150..159 missing (unobserved from 151 to 160).
    const fails = (k: number) => (k >= 25 && k < 50) || (k >= 55 && k < 65) || (k >= 100 && k < 105) || (k >= 120 && k < 125);
    const samples = [];
    for (let k = 0; k < 180; k++) {
      if (k >= 150 && k < 160) continue;
      samples.push({ type: 'poll', device: 'srv2', ts: at(k), ok: !fails(k), ...(fails(k) ? { error: 'snmp: timeout' } : {}) });
    }
    expect((await c.post('/api/v1/ingest', { agent: 'a2', batch: 'b1', samples }, OTHER_AGENT_TOKEN)).status).toBe(200);

    const u = (await (await c.get('/api/v1/uptime?month=2026-11')).json()) as UptimeReport;
    const s = u.devices.find((d) => d.device === 'srv2')!;
    // Observed [0, 181) minus [151, 160): 172 min. Down 45 min, of which 25 inside the window [30, 60).
    expect(s).toMatchObject({ upS: 127 * 60, downS: 20 * 60, maintenanceS: 25 * 60, unknownS: NOV_S - 172 * 60, periodS: NOV_S, mttrS: 300, mtbfS: (127 * 60) / 4 });
    expect(s.availabilityPct).toBeCloseTo((127 / (30 * 1440 - 25 - (30 * 1440 - 172))) * 100, 10); // up / (period − maintenance − unknown)
    expect(s.availabilityPct).toBeCloseTo((127 / 147) * 100, 10);
    expect(s.observed).toBeCloseTo((172 * 60) / NOV_S, 12);
    expect(s.outages).toEqual([
      { start: at(25), end: at(30), durationS: 300, endedBy: 'maintenance' },
      { start: at(60), end: at(65), durationS: 300, endedBy: 'up' },
      { start: at(100), end: at(105), durationS: 300, endedBy: 'up' },
      { start: at(120), end: at(125), durationS: 300, endedBy: 'up' },
    ]);
    expect(s.maintenance).toEqual([
      { start: at(30), end: at(50), durationS: 1200, silences: [{ id: ups, reason: 'ganti UPS' }] },
      { start: at(55), end: at(60), durationS: 300, silences: [{ id: ups, reason: 'ganti UPS' }] },
    ]);
    expect(s.target).toEqual({ pct: 99.5, result: 'not_met' });

    const report = withUptime(c.usage.evaluate({ month: '2026-11', now: clock.t }), c.uptime, clock.t);
    expect(report.uptime).toEqual(u);
    expect(uptimeReader(c.config, c.store).month('2026-11', clock.t)).toEqual(u); // pantau report reads the silences too
    const html = (await renderReport(report, 'html', { language: 'id' })).toString();
    expect(html).toContain('Ketersediaan = waktu hidup ÷ (periode − pemeliharaan terencana − waktu tidak teramati)');
    expect(html).toContain('<th class="n">Pemeliharaan</th>');
    const row = /<tr data-device="srv2">.*?<\/tr>/s.exec(html)![0];
    expect(row).toContain('86,395\u00a0%'); // 127 / 147
    expect(row.match(/<td class="n maintenance">(.*?)<\/td>/)![1]).toContain('25 mnt');
    expect(html).toContain('<h3>Pemeliharaan terencana</h3>');
    expect(html).toContain('3 Nov pukul 01.30 WIB – 3 Nov pukul 01.50 WIB: 20 mnt (ganti UPS)');
    expect(html).toContain('3 Nov pukul 01.25 WIB – 3 Nov pukul 01.30 WIB (lalu pemeliharaan): 5 mnt');
    expect(html).not.toContain('server cadangan dipindah');
    const en = (await renderReport(report, 'html', { language: 'en' })).toString();
    expect(en).toContain('Availability = up time ÷ (period − planned maintenance − unobserved time)');
    expect(en).toContain('<h3>Planned maintenance</h3>');
    expect(en).toContain('86.395\u00a0%');
    expect(en).toContain('(then maintenance)');

    const csv = (await renderReport(report, 'csv', { language: 'id' })).toString();
    const [, block] = csv.split('\r\n\r\n');
    const [header, ...rows] = block.trim().split('\r\n').map((l) => l.split(','));
    expect(header).toEqual(UPTIME_CSV_COLUMNS.map(([n]) => n));
    const r = Object.fromEntries(header.map((h, i) => [h, rows[0][i]]));
    expect(r).toMatchObject({ device: 'srv2', down_s: '1200', maintenance_s: '1500', outages: '4', maintenance_reasons: 'ganti UPS' });
    expect(r.maintenance_list).toBe('2026-11-03T01:30:00+07:00/2026-11-03T01:50:00+07:00 2026-11-03T01:55:00+07:00/2026-11-03T02:00:00+07:00');
  });

  it('in the current month: a device down inside a window that is still open is in maintenance now, not in an ongoing outage', async () => {
    const now = Date.UTC(2026, 11, 10, 3, 0, 0); // 10:00 WIB on 10 Dec
    const clock = { t: now - 30 * MIN };
    c = await startTestCollector(yaml, { now: () => clock.t });
    const r = await c.post('/api/v1/silences', { device: 'srv2', reason: 'pindah rak', start: now - 10 * MIN, end: now + 30 * MIN }, OPERATOR_TOKEN);
    expect(r.status).toBe(201);
    const id = ((await r.json()) as { id: number }).id;
    clock.t = now;
    // Up from 09:30, down from 09:40 to now (a sample every minute, the last at 10:00).
    const samples = Array.from({ length: 31 }, (_, k) => ({ type: 'ping', device: 'srv2', ts: now - (30 - k) * MIN, up: k < 10 }));
    expect((await c.post('/api/v1/ingest', { agent: 'a2', batch: 'cur', samples }, OTHER_AGENT_TOKEN)).status).toBe(200);
    const u = (await (await c.get('/api/v1/uptime')).json()) as UptimeReport;
    expect(u).toMatchObject({ month: '2026-12', current: true, state: 'in_progress' });
    const s = u.devices.find((d) => d.device === 'srv2')!;
    expect(s).toMatchObject({ state: 'down', upS: 600, downS: 600, maintenanceS: 600, availabilityPct: 50 });
    expect(s.outages).toEqual([{ start: now - 20 * MIN, end: now - 10 * MIN, durationS: 600, endedBy: 'maintenance' }]);
    expect(s.maintenance).toEqual([{ start: now - 10 * MIN, end: now, durationS: 600, silences: [{ id, reason: 'pindah rak' }] }]);
  });
});
