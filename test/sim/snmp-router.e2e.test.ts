// The simulated router as Net-SNMP's own command-line tools see it (a real client).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimRouter, type SimRouter } from '../../sim/snmp-router.js';
import { freeUdpPorts } from '../../sim/snmpd.js';

const run = promisify(execFile);
let sim: SimRouter;
let target: string;
const V3 = { user: 'noc', authKey: 'auth-secret-1', privKey: 'priv-secret-1' };

async function snmp(tool: 'snmpget' | 'snmpbulkwalk', ...args: string[]): Promise<string> {
  const { stdout } = await run(tool, ['-v2c', '-c', 'public', '-On', '-t', '1', '-r', '0', target, ...args], { env: { ...process.env, MIBS: '' } });
  return stdout;
}

beforeAll(async () => {
  const [port] = await freeUdpPorts(1);
  target = `127.0.0.1:${port}`;
  sim = await startSimRouter({
    port,
    v3: V3,
    uptime: 100,
    interfaces: [
      { index: 1, name: 'ether1', bits: 64, inOctets: (1n << 63n) + 1n, outOctets: 0n, speedMbps: 1000, operUp: true },
      { index: 7, name: 'ether7', bits: 32, inOctets: 2n ** 32n - 100n, outOctets: 5n, speedMbps: 100, operUp: false },
    ],
  });
});
afterAll(() => sim?.stop());

describe('simulated router', () => {
  it('serves exact Counter64 values above 2^62 and the low 32 bits in ifInOctets', async () => {
    const out = await snmp('snmpget', '1.3.6.1.2.1.31.1.1.1.6.1', '1.3.6.1.2.1.2.2.1.10.1', '1.3.6.1.2.1.31.1.1.1.15.1');
    expect(out).toContain('.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 9223372036854775809');
    expect(out).toContain('.1.3.6.1.2.1.2.2.1.10.1 = Counter32: 1');
    expect(out).toContain('.1.3.6.1.2.1.31.1.1.1.15.1 = Gauge32: 1000');
  });

  it('omits the HC columns of a 32-bit interface', async () => {
    const walk = await snmp('snmpbulkwalk', '1.3.6.1.2.1.31.1.1.1.6');
    expect(walk).toContain('.6.1 = Counter64');
    expect(walk).not.toContain('.6.7 ');
    expect(await snmp('snmpget', '1.3.6.1.2.1.31.1.1.1.6.7')).toMatch(/No Such Instance/);
    expect(await snmp('snmpget', '1.3.6.1.2.1.2.2.1.8.7', '1.3.6.1.2.1.31.1.1.1.1.7')).toMatch(/INTEGER: 2[\s\S]*STRING: "ether7"/);
  });

  it('advance() moves counters and sysUpTime, wrapping 32-bit at 2^32 and 64-bit at 2^64', async () => {
    sim.setCounters(1, (1n << 64n) - 10n, 0n);
    sim.advance(1, 800); // +100 octets
    expect(sim.get(1).inOctets).toBe(90n);
    expect(sim.get(7).inOctets).toBe(0n); // 2^32 - 100 + 100
    const out = await snmp('snmpget', '1.3.6.1.2.1.31.1.1.1.6.1', '1.3.6.1.2.1.2.2.1.10.7', '1.3.6.1.2.1.1.3.0');
    expect(out).toContain('6.1 = Counter64: 90');
    expect(out).toContain('10.7 = Counter32: 0');
    const ticks = Number(/Timeticks: \((\d+)\)/.exec(out)![1]);
    expect(ticks).toBeGreaterThanOrEqual(200);
  });

  it('reboot() sets counters and sysUpTime back to about zero', async () => {
    sim.reboot();
    const out = await snmp('snmpget', '1.3.6.1.2.1.31.1.1.1.6.1', '1.3.6.1.2.1.1.3.0');
    expect(out).toContain('6.1 = Counter64: 0');
    expect(Number(/Timeticks: \((\d+)\)/.exec(out)![1])).toBeLessThan(100);
  });

  it('answers SNMPv3 authPriv (SHA/AES) for its user', async () => {
    const { stdout } = await run(
      'snmpget',
      ['-v3', '-l', 'authPriv', '-u', V3.user, '-a', 'SHA', '-A', V3.authKey, '-x', 'AES', '-X', V3.privKey, '-On', '-t', '1', '-r', '0', target, '1.3.6.1.2.1.31.1.1.1.1.1'],
      { env: { ...process.env, MIBS: '' } },
    );
    expect(stdout).toContain('STRING: "ether1"');
  });
});
