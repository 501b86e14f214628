import { describe, expect, it } from 'vitest';
import { EXAMPLE_ENV, runPantau } from '../helpers/cli.js';
import { parseCollectorConfig } from '../../config/collector.js';
import { ConfigError } from '../../config/load.js';

const T = 'config/testdata';

// Each bad fixture: what the message must name (key path and what was expected/found).
const BAD: [file: string, ...expected: RegExp[]][] = [
  ['unknown-key.bad.yaml', /opds\[0\]\.quota\.volumGB: unknown key/],
  ['uplink-undefined-device.bad.yaml', /opds\[0\]\.uplinks\[0\]\.device: expected the id of a device defined under devices, found "rtr-missing"/],
  ['poll-undefined-device.bad.yaml', /agents\[0\]\.poll\[0\]: expected the id of a device defined under devices, found "ghost"/],
  ['device-undefined-opd.bad.yaml', /devices\[0\]\.opd: expected the id of an OPD defined under opds, found "bapeda"/],
  ['duplicate-ids.bad.yaml', /opds: duplicate id "dinkes"/],
  ['bad-timezone.bad.yaml', /timezone: expected an IANA time zone .*found "Asia\/Jakrta"/],
  ['dst-timezone.bad.yaml', /timezone: expected a time zone without daylight saving.*found "Europe\/Berlin"/],
  ['wrong-type.bad.yaml', /opds\[0\]\.quota\.volumeGB: expected number, received string|opds\[0\]\.quota\.volumeGB: expected number.*found "banyak"/],
  ['bad-cron.bad.yaml', /opds\[0\]\.backup\.schedule: expected a cron expression.*found "every night"/],
  ['missing-env.bad.yaml', /agents\[0\]\.token: expected environment variable PANTAU_TEST_UNSET_VARIABLE to be set/],
  ['bad-listen.bad.yaml', /listen: expected HOST:PORT/],
  ['v3-short-key.bad.yaml', /devices\[0\]\.snmp\.authKey: expected an authKey of at least 8 characters/],
  ['yaml-syntax.bad.yaml', /line \d+: YAML syntax/],
  ['agent-unknown-key.bad.yaml', /spoool: unknown key/],
  ['agent-bad-url.bad.yaml', /collector: expected the collector URL/],
  ['plain-http-public.bad.yaml', /listen: "0\.0\.0\.0:8080" is not a loopback address and tls is not set.*expected tls: \{ cert, key \}, or allowPlainHttp: true/],
  ['agent-tls-http.bad.yaml', /tls\.fingerprint: expected a SHA-256 fingerprint of 64 hex digits/],
];

describe('pantau check-config', () => {
  it.each(BAD)('rejects %s with exit 2, naming the file and the key path', async (file, ...expected) => {
    const r = await runPantau(['check-config', `${T}/${file}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${T}/${file}`);
    for (const re of expected) expect(r.stderr).toMatch(re);
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
});
