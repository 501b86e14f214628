// `pantau demo`: a collector on the embedded store in a temporary folder, simulated OPD
// routers (net-snmp's agent on loopback, one with SNMPv3), an agent polling them, and a month
// and a half of history so the evaluation and the report have figures from the first minute.
// What a newcomer sees change on the wall within a minute (issue 11 part 5): Dinkes' router
// drops for 90 s every 10 minutes (the first time 20 s after the start), BKD is near its
// volume quota this month (a data migration early in the month), Disdik misses its backups;
// the rules run once at the start, so their alerts are there at once. Ctrl-C (SIGINT) or
// SIGTERM stops it cleanly at any time, during the start too, and removes its folder.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCollectorConfig } from '../config/collector.js';
import { startCollector, type Collector } from '../collector/main.js';
import { monthRange, monthOf, previousMonths } from '../collector/accounting/months.js';
import { startAgent, type AgentHandle } from '../agent/main.js';
import { startSimRouter, type SimRouter } from '../sim/snmp-router.js';
import { startDroppingRouter, type DroppingRouter } from '../sim/dropping-router.js';
import { freeUdpPorts } from '../sim/snmpd.js';
import { profile, startProfile } from '../sim/profiles/index.js';
import { createLogger } from '../log/logger.js';
import { SIM_BACKUP_CONFIG, startSimBackups, type SimBackups } from '../sim/backups.js';
import type { IfaceSample } from '../protocol/samples.js';
import { chooseListen, busyMessage } from './demo-listen.js';
import { flakyHistory, startFlakyServer, type FlakyServer } from '../sim/flaky-server.js';
import { CommandError } from './errors.js';

const TZ = 'Asia/Jakarta';
/**
 * The simulated OPDs: allocation, and the average rate their uplink runs at (bit/s). A month
 * carries about 262 GB per Mbit/s of average (in + out) and p95 is about 1.84 × the average:
 * most OPDs use 45-65 % of their quota, BKD is near it (about 88 % of its volume), RSUD over
 * (about 115 % of its volume, p95 just above its rate).
 */
const OPDS = [
  { id: 'dinkes', name: 'Dinas Kesehatan', volumeGB: 15000, rateMbps: 100, avgBps: 35e6 },
  { id: 'bappeda', name: 'Badan Perencanaan Pembangunan Daerah', volumeGB: 7000, rateMbps: 50, avgBps: 12e6, v3: true },
  { id: 'bkd', name: 'Badan Kepegawaian Daerah', volumeGB: 4000, rateMbps: 30, avgBps: 13.5e6 },
  { id: 'rsud', name: 'RSUD Kabupaten', volumeGB: 25000, rateMbps: 200, avgBps: 110e6 },
  { id: 'disdik', name: 'Dinas Pendidikan', volumeGB: 12000, rateMbps: 100, avgBps: 25e6 },
  { id: 'diskominfo', name: 'Dinas Komunikasi dan Informatika', rateMbps: 500, avgBps: 150e6 },
];

/** Office-hours traffic in WIB: low at night, a peak around 10:00 and 14:00. */
function rateAt(avg: number, ts: number, seed: number): number {
  const hour = ((ts / 3600_000 + 7) % 24 + 24) % 24;
  const office = Math.max(0, Math.sin(((hour - 7) / 10) * Math.PI));
  const noise = 0.85 + 0.3 * Math.abs(Math.sin(ts / 7.7e5 + seed));
  return avg * (0.25 + 1.5 * office) * noise;
}

const token = () => randomBytes(18).toString('base64url');

/** Awkward devices from the profile corpus (sim/profiles), polled beside the OPD routers: their warnings show on /status. */
const AWKWARD = ['fortigate-100f', 'juniper-vmx-noifx'];
/** A server behind Diskominfo's router that goes down for 3 minutes every 15 (sim/flaky-server.ts): up-time, device_down. */
const SERVER = 'srv-diskominfo-app';
/** The OPD whose router's link drops now and then (sim/dropping-router.ts), and the one near its volume quota this month. */
const DROPPING = 'dinkes';
const NEAR_QUOTA = { opd: 'bkd', pct: 88 };
/** Link speed of the OPD uplinks (Mbit/s); BKD's is 10 Gbit/s fibre, over which its migration ran. */
const speedMbps = (id: string) => (id === NEAR_QUOTA.opd ? 10_000 : 1000);

/**
 * Extra bytes (in, out) per 5-minute sample of BKD's history this month: a data migration in
 * the first 4 % of the month so far, sized so the month's volume reaches about 88 % of its quota
 * (under 5 % of the samples, so the month's p95 rate stays its usual one). At 9 Gbit/s at most:
 * in the first hours of a month it reaches less.
 */
function migration(samples: number[], naturalBytes: bigint, quotaBytes: bigint): Map<number, bigint> {
  const out = new Map<number, bigint>();
  const want = (quotaBytes * BigInt(NEAR_QUOTA.pct)) / 100n - naturalBytes;
  if (want <= 0n || !samples.length) return out;
  const n = Math.max(1, Math.floor(samples.length * 0.04));
  const cap = BigInt((9e9 / 8) * 300);
  const each = want / BigInt(n) > cap ? cap : want / BigInt(n);
  for (const t of samples.slice(0, n)) out.set(t, each);
  return out;
}

export async function runDemo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { listen: { type: 'string' }, seconds: { type: 'string' }, interval: { type: 'string', default: '10' } },
    strict: true,
  });
  const { listen, note } = await chooseListen(values.listen);
  const log = createLogger({ level: process.env.PANTAU_LOG_LEVEL ?? 'warn' });
  const dir = mkdtempSync(join(tmpdir(), 'pantau-demo-'));
  const tokens = { viewer: token(), operator: token(), agent: token() };
  const v3 = { user: 'noc', authKey: token(), privKey: token() };
  const ports = await freeUdpPorts(OPDS.length + AWKWARD.length + 1);
  let server: FlakyServer | undefined;
  const routers: Pick<SimRouter, 'setCounters' | 'get' | 'stop'>[] = [];
  let dropping: DroppingRouter | undefined;
  let collector: Collector | undefined;
  let agent: AgentHandle | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let backups: SimBackups | undefined;

  // Signals from the very start: Ctrl-C while the history is written still cleans up.
  let signalled: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      // A second Ctrl-C: the user will not wait for a clean stop.
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    }
    signalled = sig;
    process.stdout.write(`Pantau demo: ${sig} received\n`);
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const stop = async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (ticker) clearInterval(ticker);
    backups?.stop();
    await agent?.stop();
    await server?.stop();
    await collector?.stop();
    await Promise.all(routers.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  };

  const stopped = async () => {
    process.stdout.write('Pantau demo: stopping\n');
    await stop();
    return 0;
  };

  try {
    const yaml = `
timezone: ${TZ}
listen: ${listen}
store: { sqlite: pantau.db }      # relative to this file's folder
auth:
  users:
    - { name: wall, role: viewer, token: ${tokens.viewer} }
    - { name: operator, role: operator, token: ${tokens.operator} }
agents:
  - { id: demo-agent, token: ${tokens.agent}, intervalSeconds: ${Number(values.interval)}, poll: [${[...OPDS.map((o) => `rtr-${o.id}`), ...AWKWARD, SERVER].join(', ')}] }
opds:
${OPDS.map((o) => `  - { id: ${o.id}, name: ${JSON.stringify(o.name)}, quota: { ${o.volumeGB ? `volumeGB: ${o.volumeGB}, ` : ''}rateMbps: ${o.rateMbps} }, uplinks: [ { device: rtr-${o.id}, interface: ether1 } ], backup: ${SIM_BACKUP_CONFIG} }`).join('\n')}
devices:
${OPDS.map((o, i) => {
  const snmp = o.v3
    ? `{ version: 3, user: ${v3.user}, authProtocol: sha, authKey: ${v3.authKey}, privProtocol: aes, privKey: ${v3.privKey}, port: ${ports[i]} }`
    : `{ version: 2c, community: public, port: ${ports[i]} }`;
  // The dropping router is watched by SNMP only: loopback always answers a ping.
  return `  - { id: rtr-${o.id}, opd: ${o.id}, kind: router, address: 127.0.0.1,${o.id === DROPPING ? ' ping: false,' : ''} snmp: ${snmp} }`;
}).join('\n')}
${AWKWARD.map((id, k) => `  - { id: ${id}, opd: diskominfo, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: ${ports[OPDS.length + k]} } }`).join('\n')}
  - { id: ${SERVER}, opd: diskominfo, kind: server, address: 127.0.0.1, ping: false, via: rtr-diskominfo, snmp: { version: 2c, community: public, port: ${ports[ports.length - 1]} } }
uptime: { targetPct: { server: 99.5, router: 99 } }
`;
    // Written beside the store, so `pantau report --config` works against the demo.
    const cfgFile = join(dir, 'collector.yaml');
    writeFileSync(cfgFile, yaml, { mode: 0o600 });
    const cfg = loadCollectorConfig(cfgFile);

    // History: 5-minute samples from the start of last month until now.
    const now = Date.now();
    const from = monthRange(previousMonths(monthOf(now, TZ), 1)[0], TZ).from;
    const counters = OPDS.map(() => ({ in: 10n ** 12n, out: 10n ** 11n }));
    const history: IfaceSample[][] = OPDS.map(() => []);
    const monthFrom = monthRange(monthOf(now, TZ), TZ).from;
    const near = OPDS.find((o) => o.id === NEAR_QUOTA.opd)!;
    const nearIdx = OPDS.indexOf(near);
    const thisMonth: number[] = [];
    let natural = 0n;
    for (let t = from; t < now - 60_000; t += 300_000)
      // The sample at the month's first instant carries the previous month's last 5 minutes.
      if (t > monthFrom) {
        thisMonth.push(t);
        const r = rateAt(near.avgBps, t, nearIdx);
        natural += BigInt(Math.round((r / 8) * 300)) + BigInt(Math.round((r / 8 / 5) * 300));
      }
    const extra = migration(thisMonth, natural, BigInt(near.volumeGB!) * 10n ** 9n);
    for (let t = from; t < now - 60_000; t += 300_000) {
      OPDS.forEach((o, i) => {
        const r = rateAt(o.avgBps, t, i);
        const x = i === nearIdx ? (extra.get(t) ?? 0n) : 0n; // split 5:1 in and out, as the traffic
        counters[i].in += BigInt(Math.round((r / 8) * 300)) + (x * 5n) / 6n;
        counters[i].out += BigInt(Math.round((r / 8 / 5) * 300)) + x / 6n;
        history[i].push({ type: 'iface', device: `rtr-${o.id}`, interface: 'ether1', ts: t, inOctets: counters[i].in, outOctets: counters[i].out, bits: 64, speedBps: speedMbps(o.id) * 1e6 });
      });
    }

    collector = await startCollector(cfg, { logger: log }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' || e.code === 'EACCES' ? new CommandError(busyMessage(listen, e.code), 1) : e;
    });
    history.forEach((samples, i) => {
      for (let k = 0; k < samples.length; k += 5000) collector!.store.writeBatch('demo-agent', `history-${i}-${k}`, samples.slice(k, k + 5000));
    });
    collector.rollup.drain();
    if (signalled) return await stopped();
    const polls = flakyHistory(SERVER, from, now - 60_000, Number(values.interval) * 1000);
    for (let k = 0; k < polls.length; k += 20_000) collector.store.writeBatch('demo-agent', `history-server-${k}`, polls.slice(k, k + 20_000));

    for (const [i, o] of OPDS.entries()) {
      const opts = {
        port: ports[i],
        v3: o.v3 ? v3 : undefined,
        uptime: 360_000_00 + i * 1000,
        interfaces: [
          { index: 1, name: 'ether1', bits: 64 as const, inOctets: counters[i].in, outOctets: counters[i].out, speedMbps: speedMbps(o.id), operUp: true },
          { index: 2, name: 'ether2', bits: 32 as const, inOctets: 0n, outOctets: 0n, speedMbps: 100, operUp: i % 3 !== 2 },
        ],
      };
      if (o.id === DROPPING)
        routers.push((dropping = await startDroppingRouter({ ...opts, onChange: (up) => log.warn({ device: `rtr-${o.id}` }, up ? 'demo: simulated router link is back' : 'demo: simulated router link drops for 90 s') })));
      else routers.push(await startSimRouter(opts));
    }
    for (const [k, id] of AWKWARD.entries()) routers.push(await startProfile(profile(id), ports[OPDS.length + k]));
    server = await startFlakyServer({ port: ports[ports.length - 1], onChange: (up) => log.warn({ device: SERVER }, up ? 'demo: simulated server is back up' : 'demo: simulated server goes down for 3 minutes') });
    // Counters move every second at the simulated rates.
    ticker = setInterval(() => {
      const t = Date.now();
      OPDS.forEach((o, i) => {
        const r = rateAt(o.avgBps, t, i);
        counters[i].in += BigInt(Math.round(r / 8));
        counters[i].out += BigInt(Math.round(r / 8 / 5));
        routers[i].setCounters(1, counters[i].in, counters[i].out);
        const e2 = routers[i].get(2);
        routers[i].setCounters(2, e2.inOctets + BigInt(Math.round(r / 80)), e2.outOctets + BigInt(Math.round(r / 400)));
      });
    }, 1000);

    // Nightly backup jobs: disdik misses its backups, bkd's latest archive is truncated.
    const behaviour = { disdik: 'missing', bkd: 'truncated' } as const;
    backups = startSimBackups({ dir: join(dir, 'backups'), opds: OPDS.map((o) => ({ id: o.id, behaviour: behaviour[o.id as keyof typeof behaviour] ?? 'good' })) });
    if (signalled) return await stopped();
    // Ping needs fping (or a system ping); without it the demo polls SNMP only, quietly.
    const canPing = ['/usr/bin/fping', '/usr/sbin/fping', '/bin/ping', '/usr/bin/ping'].some((p) => existsSync(p));
    agent = await startAgent(
      { id: 'demo-agent', collector: collector.url, token: tokens.agent, spool: join(dir, 'spool'), spoolMaxMB: 64, backupWatch: backups.watch, backupWatchSettleSeconds: 2 },
      { logger: log, ...(canPing ? {} : { ping: false as const }) },
    );

    // The rules once now (then on the collector's timers), so the near-quota and missed-backup
    // alerts are on the wall from the first minute.
    const t = Date.now();
    collector.bandwidthRules.evaluate(t);
    collector.backupRules.evaluate(t);
    collector.uptimeRules.evaluate(t);
    const url = collector.url;
    process.stdout.write(
      [
        ...(note ? [note] : []),
        'Pantau demo berjalan / is running',
        `  Dashboard:  ${url}/?token=${tokens.viewer}`,
        `  API:        curl -H "Authorization: Bearer ${tokens.viewer}" ${url}/api/v1/usage`,
        `  Operator token (ack): ${tokens.operator}`,
        `  ${OPDS.length} simulated OPD routers on 127.0.0.1 (rtr-bappeda over SNMPv3), agent polling every ${values.interval} s`,
        `  Backups:    nightly jobs write into ${join(dir, 'backups')} (disdik misses its backups, bkd's latest is truncated)`,
        `  rtr-${DROPPING}: its link drops for 90 s every 10 minutes, the first time in 20 s`,
        `  ${SERVER}: down for 3 minutes every 15 (up-time: ${url}/api/v1/uptime, alerts: ${url}/api/v1/alerts)`,
        `  ${near.name}: about ${NEAR_QUOTA.pct} % of its volume quota used this month`,
        `  Report:     pantau report --config ${cfgFile} --month ${previousMonths(monthOf(now, TZ), 1)[0]}`,
        `  Config and store: ${dir} (removed on exit)`,
        ...(canPing ? [] : ['  Ping is off: install fping (apt-get install fping) to see reachability too']),
        'Ctrl-C to stop.',
        '',
      ].join('\n'),
    );

    dropping?.beginDrops();
    if (!signalled)
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (values.seconds) setTimeout(resolve, Number(values.seconds) * 1000).unref();
      });
    return await stopped();
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
