import { describe, expect, it } from 'vitest';
import { EXAMPLE_ENV, ROOT, runPantau } from '../helpers/cli.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCollectorConfig, parseCollectorConfig } from '../../config/collector.js';
import { loadAgentConfig } from '../../config/agent.js';
import { ConfigError } from '../../config/load.js';
import { parseQuantity, RATE, VOLUME } from '../../config/quota.js';

const T = 'config/testdata';

// Each bad fixture: what the message must name (key path and what was expected/found), and
// what it must never print (`{ not }`: secrets).
type Expect = RegExp | { not: string };
const BAD: [file: string, ...expected: Expect[]][] = [
  ['unknown-key.bad.yaml', /opds\[0\]\.quota\.volumGB: unknown key \(did you mean volumeGB\?\); expected one of volumeGB, rateMbps, direction/],
  ['unknown-key-top.bad.yaml', /evalution: unknown key \(did you mean evaluation\?\); expected one of timezone, listen, store, .*evaluation, report/],
  ['uplink-undefined-device.bad.yaml', /opds\[0\]\.uplinks\[0\]\.device: expected the id of a device defined under devices, found "rtr-missing"/],
  ['poll-undefined-device.bad.yaml', /agents\[0\]\.poll\[0\]: expected the id of a device defined under devices, found "ghost"/],
  ['device-undefined-opd.bad.yaml', /devices\[0\]\.opd: expected the id of an OPD defined under opds, found "bapeda"/],
  ['duplicate-ids.bad.yaml', /opds: duplicate id "dinkes"/],
  ['bad-timezone.bad.yaml', /timezone: expected an IANA time zone .*found "Asia\/Jakrta"/],
  ['dst-timezone.bad.yaml', /timezone: expected a time zone without daylight saving.*found "Europe\/Berlin"/],
  ['wrong-type.bad.yaml', /opds\[0\]\.quota\.volumeGB: expected a volume in GB such as 3000, or with a unit such as "3 TB", found "banyak"/],
  ['bad-cron.bad.yaml', /opds\[0\]\.backup\.schedule: expected a cron expression.*found "every night"/],
  ['backup-seconds.bad.yaml', /opds\[0\]\.backup\.schedule: expected a schedule to the minute \(five fields, no seconds field\)[\s\S]*opds\[0\]\.backup\.failuresBeforeAlert/],
  ['missing-env.bad.yaml', /agents\[0\]\.token: expected environment variable PANTAU_TEST_UNSET_VARIABLE to be set/],
  ['bad-listen.bad.yaml', /listen: expected HOST:PORT/],
  ["deployment.bad.yaml", /deployment: expected a deployment id of 1-63 characters: lower-case letters, digits, "-", "_" or "\.", starting with a letter or digit \(e\.g\. kab-tangerang or 3603\), found "Kab Tangerang"/],
  ['v3-short-key.bad.yaml', /devices\[0\]\.snmp\.authKey: expected an authKey of at least 8 characters \(SNMPv3 requires it\), found a value of 5 characters/, { not: 'kunci' }],
  ['short-token.bad.yaml', /agents\[0\]\.token: expected a token of at least 16 characters, found a value of 11 characters/, /devices\[0\]\.snmp\.community: expected string/, { not: 'rahasia' }, { not: '161' }],
  ['quota-thousands.bad.yaml', /opds\[0\]\.quota\.volumeGB: found 12\.000, which YAML reads as 12 but Indonesian notation reads as 12000; write 12000 without a thousands separator/],
  ['quota-unit-mismatch.bad.yaml', /opds\[0\]\.quota\.volumeGB: expected a volume in GB .*found "100 Mbps" \(Mbps is a rate unit, not a volume\): drop the unit/],
  ['quota-unit-unknown.bad.yaml', /opds\[0\]\.quota\.rateMbps: expected a rate in Mbps .*found "12 MB\/s" \(unit MB\/s is not one of kbps, Mbps, Gbps\): drop the unit/],
  ['quota-decimal-comma.bad.yaml', /opds\[0\]\.quota\.volumeGB: found "1,5 TB": write the decimal with a point, "1\.5 TB"/, /opds\[0\]\.quota\.rateMbps: found "1\.000 Mbps": 1\.000 is ambiguous.*write 1000 without a thousands separator/],
  ['quota-no-uplinks.bad.yaml', /opds\[0\]\.uplinks: expected at least one uplink for an OPD with a quota \(its usage is measured on its uplinks\), found none for "dinkes"/],
  ['yaml-syntax.bad.yaml', /line \d+: YAML syntax/],
  ['agent-unknown-key.bad.yaml', /spoool: unknown key \(did you mean spool\?\); expected one of id, collector, token, tls, spool, spoolMaxMB, hostDevice, backupWatch/],
  ['agent-bad-url.bad.yaml', /collector: expected the collector URL/],
  ['plain-http-public.bad.yaml', /listen: "0\.0\.0\.0:8080" is not a loopback address and tls is not set.*expected tls: \{ cert, key \}, or allowPlainHttp: true/],
  ['agent-backup-watch.bad.yaml', /backupWatch\[0\]\.glob: expected a glob without \*\*/, /backupWatchMaxMBps: expected a rate in MB\/s above 0/, /backupWatchSettleSeconds: expected seconds, 0 or more, found number -5/],
  ['via-loop.bad.yaml', /devices\[0\]\.via: "r1" stands behind itself through r1 → sw1 → r1; expected a chain without a loop/, /devices\[2\]\.via: expected the id of a device defined under devices, found "srv9"/],
  ['uptime-target.bad.yaml', /uptime\.targetPct\.server: expected a percentage from 0 to 100, found number 995/, /uptime\.targetPct\.rooter: unknown key \(did you mean router\?\)/, /uptime\.forSeconds: .*>=0, found number -5/],
  ['agent-tls-http.bad.yaml', /tls\.fingerprint: expected a SHA-256 fingerprint of 64 hex digits/],
];

describe('pantau check-config', () => {
  it.each(BAD)('rejects %s with exit 2, naming the file and the key path', async (file, ...expected) => {
    const r = await runPantau(['check-config', `${T}/${file}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${T}/${file}`);
    for (const e of expected) {
      if (e instanceof RegExp) expect(r.stderr).toMatch(e);
      else expect(r.stderr).not.toContain(e.not);
    }
  });

  it('accepts the shipped collector and agent examples', async () => {
    for (const f of ['config/examples/collector.yaml', 'config/examples/agent.yaml']) {
      const r = await runPantau(['check-config', f], EXAMPLE_ENV);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/valid (collector|agent) configuration/);
    }
  });

  it('accepts the minimal good fixture and fills in the defaults', async () => {
    const r = await runPantau(['check-config', `${T}/base.good.yaml`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('time zone Asia/Makassar');
    // The store it names is resolved against the file's folder, not the working folder.
    expect(r.stdout).toContain(`store ${join(ROOT, T, 'data/pantau.db')}`);
  });

  it('exits 2 for a file that does not exist, naming it', async () => {
    const r = await runPantau(['check-config', `${T}/nope.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml: .*cannot read the file/s);
  });
});

describe('collector config', () => {
  it('reports every problem at once rather than the first', () => {
    const text = 'timezone: Mars/Olympus\nopds: [ { id: a, name: A, uplinks: [ { device: x, interface: e } ] } ]\ndevices: [ { id: r, opd: zz, kind: router, address: 1.2.3.4 } ]\n';
    try {
      parseCollectorConfig('multi.yaml', text);
      expect.unreachable('config should be rejected');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems.some((p) => p.startsWith('timezone:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('opds[0].uplinks[0].device:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('devices[0].opd:'))).toBe(true);
    }
  });

  it('replaces ${ENV} and freezes the result', () => {
    const cfg = parseCollectorConfig('env.yaml', 'agents: [ { id: a1, token: "${TOK}" } ]\n', { env: { TOK: 'a-very-long-token-123' } });
    expect(cfg.agents[0].token).toBe('a-very-long-token-123');
    expect(Object.isFrozen(cfg.agents[0])).toBe(true);
  });

  it('refuses a device polled by two agents', () => {
    const text = [
      'opds: [ { id: a, name: A } ]',
      'devices: [ { id: r, opd: a, kind: router, address: 127.0.0.1 } ]',
      'agents: [ { id: x, token: token-x-0123456789, poll: [r] }, { id: y, token: token-y-0123456789, poll: [r] } ]',
    ].join('\n');
    expect(() => parseCollectorConfig('two.yaml', text)).toThrow(/agents\[1\]\.poll\[0\]: device "r" is already polled by agent "x"/);
  });

  it('reads quotas with units as GB (10^9 bytes) and Mbps (10^6 bit/s)', () => {
    const cfg = loadCollectorConfig(`${T}/quota-units.good.yaml`);
    expect(cfg.opds.map((o) => [o.quota?.volumeGB, o.quota?.rateMbps])).toEqual([
      [3000, 1000],
      [2300, 100],
      [750, 50],
    ]);
  });

  it('converts units by moving the decimal point, so "2.3 TB" is exactly 2300 GB', () => {
    expect(parseQuantity('2.3 TB', VOLUME)).toEqual({ value: 2300 });
    expect(parseQuantity('500 MB', VOLUME)).toEqual({ value: 0.5 });
    expect(parseQuantity('1.5 Gbps', RATE)).toEqual({ value: 1500 });
    expect(parseQuantity('100 mbps', RATE)).toEqual({ value: 100 });
    expect(parseQuantity('512 kbps', RATE)).toEqual({ value: 0.512 });
    expect(parseQuantity('3000', VOLUME)).toEqual({ value: 3000 });
  });

  it('refuses units that could be read two ways: gigabits in a volume, megabytes a second in a rate', () => {
    expect(parseQuantity('3 Gb', VOLUME)).toMatchObject({ problem: expect.stringMatching(/found "3 Gb" \(unit Gb is not one of MB, GB, TB, PB\): drop the unit/) });
    expect(parseQuantity('3 GiB', VOLUME)).toMatchObject({ problem: expect.stringMatching(/drop the unit/) });
    expect(parseQuantity('10 MBps', RATE)).toMatchObject({ problem: expect.stringMatching(/found "10 MBps" \(unit MBps is not one of kbps, Mbps, Gbps\)/) });
    expect(parseQuantity('3 TB', RATE)).toMatchObject({ problem: expect.stringMatching(/TB is a volume unit, not a rate/) });
  });

  it('accepts 0.500 and 1.5 as decimals: only 1-3 digits, a point and groups of three read as thousands', () => {
    const text = (v: string) => `opds: [ { id: a, name: A, quota: { volumeGB: ${v} }, uplinks: [ { device: r, interface: e } ] } ]\ndevices: [ { id: r, opd: a, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: c } } ]\n`;
    expect(parseCollectorConfig('q.yaml', text('0.500')).opds[0].quota?.volumeGB).toBe(0.5);
    expect(parseCollectorConfig('q.yaml', text('1.5')).opds[0].quota?.volumeGB).toBe(1.5);
    expect(parseCollectorConfig('q.yaml', text('12000')).opds[0].quota?.volumeGB).toBe(12000);
    expect(() => parseCollectorConfig('q.yaml', text('1.500.000'))).toThrow(/volumeGB: found "1\.500\.000": 1\.500\.000 is ambiguous .*; write 1500000 without a thousands separator$/m);
  });

  it('takes a relative store.sqlite and agent spool from the config file\'s folder, not the working folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantau-cfg-'));
    try {
      writeFileSync(join(dir, 'collector.yaml'), 'store: { sqlite: data/pantau.db }\n');
      writeFileSync(join(dir, 'agent.yaml'), 'id: a1\ncollector: http://127.0.0.1:8080\ntoken: agent-token-0123456789\n');
      writeFileSync(join(dir, 'absolute.yaml'), 'store: { sqlite: /var/lib/pantau/pantau.db }\n');
      expect(loadCollectorConfig(join(dir, 'collector.yaml')).store.sqlite).toBe(join(dir, 'data/pantau.db'));
      expect(loadAgentConfig(join(dir, 'agent.yaml')).spool).toBe(join(dir, 'spool'));
      expect(loadCollectorConfig(join(dir, 'absolute.yaml')).store.sqlite).toBe('/var/lib/pantau/pantau.db');
      expect(parseCollectorConfig('(text)', 'store: { sqlite: x.db }\n', { baseDir: dir }).store.sqlite).toBe(join(dir, 'x.db'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
