// The central-store mirror against Debian's single-node VictoriaMetrics (line protocol on
// /write), and its disk spool across a collector restart during a central-store outage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../collector/main.js';
import { parseCollectorConfig } from '../../config/collector.js';
import { silentLogger } from '../../log/logger.js';
import { AGENT_TOKEN, testConfigYaml } from '../helpers/collector.js';
import { freeTcpPort, until } from '../helpers/processes.js';
import { startVictoriaMetrics, type VictoriaMetrics } from '../helpers/victoria-metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'pantau-vm-test-'));
const running: (Collector | VictoriaMetrics)[] = [];
afterAll(async () => {
  for (const r of running.reverse()) await ('cleanup' in r ? r.cleanup() : r.stop());
  rmSync(dir, { recursive: true, force: true });
});

const yaml = (sqlite: string, vmPort: number) =>
  testConfigYaml(sqlite, 'deployment: kota-uji\n').replace(/store: \{ sqlite: ([^}]+) \}/, `store: { sqlite: $1, influx: { url: "http://127.0.0.1:${vmPort}", database: pantau } }`);

async function collector(sqlite: string, vmPort: number): Promise<Collector> {
  const c = await startCollector(parseCollectorConfig('test.yaml', yaml(sqlite, vmPort)), { logger: silentLogger(), background: false });
  running.push(c);
  return c;
}

const ingest = (c: Collector, batch: string, samples: unknown[]) =>
  fetch(c.url + '/api/v1/ingest', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` }, body: JSON.stringify({ agent: 'a1', batch, samples }) });

describe('central store: VictoriaMetrics', () => {
  it('takes the mirrored points with their deployment tag', async () => {
    const vm = await startVictoriaMetrics();
    running.push(vm);
    const c = await collector(join(dir, 'a.db'), vm.port);
    const ts = Date.now() - 60_000;
    expect((await ingest(c, 'vm-1', [{ type: 'ping', device: 'r2', ts, up: false }, { type: 'poll', device: 'r1', ts, ok: true, durationMs: 12 }])).status).toBe(200);
    const up = await until(async () => (await vm.exportSeries('pantau_ping_up{deployment="kota-uji"}'))[0], 20_000, 'pantau_ping_up in VictoriaMetrics');
    expect(up.metric).toMatchObject({ __name__: 'pantau_ping_up', deployment: 'kota-uji', device: 'r2', opd: 'dinkes' });
    expect(up.values).toEqual([0]);
    expect(up.timestamps).toEqual([ts]);
    const poll = await until(async () => (await vm.exportSeries('pantau_poll_duration_ms{deployment="kota-uji"}'))[0], 20_000, 'pantau_poll_duration_ms');
    expect(poll.values).toEqual([12]);
  });

  it('loses nothing and duplicates nothing when the store is down across a collector restart', async () => {
    const port = await freeTcpPort(); // reserved: nothing listens there until the store starts below
    const sqlite = join(dir, 'b.db');
    const first = await collector(sqlite, port);
    const t0 = Date.now() - 30 * 60_000;
    for (let b = 0; b < 4; b++) {
      const samples = Array.from({ length: 10 }, (_, i) => ({ type: 'ping', device: 'r1', ts: t0 + (b * 10 + i) * 1000, up: true, rttMs: b * 10 + i }));
      expect((await ingest(first, `restart-${b}`, samples)).status).toBe(200);
    }
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await collector(sqlite, port);
    expect((await ingest(second, 'restart-after', [{ type: 'ping', device: 'r1', ts: t0 + 40_000, up: true, rttMs: 40 }])).status).toBe(200);
    const vm = await startVictoriaMetrics(port);
    running.push(vm);
    const rtt = await until(async () => {
      const s = await vm.exportSeries('pantau_ping_rtt_ms{deployment="kota-uji",device="r1"}');
      return s[0]?.values.length >= 41 ? s[0] : undefined;
    }, 60_000, 'all 41 pings in VictoriaMetrics');
    // Exactly once: VictoriaMetrics keeps duplicates (no dedup flag here), so a resend would show.
    const pairs = rtt.timestamps.map((t, i) => [t, rtt.values[i]]).sort((a, b) => a[0] - b[0]);
    expect(pairs).toEqual(Array.from({ length: 41 }, (_, i) => [t0 + i * 1000, i]));
    const metrics = await (await fetch(second.url + '/metrics')).text();
    await until(async () => /^pantau_influx_points_queued 0$/m.test(await (await fetch(second.url + '/metrics')).text()), 10_000, 'an empty spool');
    expect(metrics).toMatch(/^pantau_influx_points_dropped 0$/m);
  }, 90_000);
});
