// The ping input (real fping against loopback) and the host input (real systeminformation,
// with one call made to hang as a stale NFS mount would).
import { describe, expect, it } from 'vitest';
import { HostInput } from '../../agent/inputs/host/index.js';
import { parseFping } from '../../agent/inputs/ping/fping.js';
import { PingInput } from '../../agent/inputs/ping/index.js';
import { silentLogger } from '../../log/logger.js';
import type { Assignment } from '../../protocol/assignment.js';

const assignment = (addresses: [string, string, boolean?][]): Assignment => ({
  agent: 'a1',
  intervalSeconds: 60,
  maxBodyBytes: 1e6,
  devices: addresses.map(([id, address, ping]) => ({ id, opd: 'x', kind: 'server', address, ping: ping ?? true })),
});

describe('ping input', () => {
  it('sweeps every device with ping enabled in one fping run, sharing addresses', async () => {
    // A generous per-ping timeout: loopback always answers, but a busy machine may schedule fping late.
    const input = new PingInput({ logger: silentLogger(), count: 2, periodMs: 20, timeoutMs: 5000 });
    const a = assignment([['srv-a', '127.0.0.1'], ['srv-b', '127.0.0.2'], ['srv-c', '127.0.0.1'], ['no-ping', '127.0.0.3', false]]);
    const s = await input.gather({ ts: Date.now(), intervalS: 60, assignment: a });
    expect(s.map((x) => (x.type === 'ping' ? x.device : '')).sort()).toEqual(['srv-a', 'srv-b', 'srv-c']);
    for (const x of s) expect(x).toMatchObject({ type: 'ping', up: true, lossPct: 0, rttMs: expect.any(Number) });
  });

  it('parses fping -C output: partial and total loss', () => {
    const r = parseFping('10.0.0.1 : 0.41 - 0.39\n10.0.0.2 : - - -\n10.0.0.3: Name or service not known\n', 3);
    expect(r.get('10.0.0.1')).toEqual({ up: true, rttMs: 0.4, lossPct: 33.3 });
    expect(r.get('10.0.0.2')).toEqual({ up: false, lossPct: 100 });
    expect(r.has('10.0.0.3')).toBe(false);
  });
});

describe('host input', () => {
  it('reports uptime, CPU, memory, disks and network bytes', async () => {
    // Real systeminformation calls, with time to answer on a busy machine.
    const input = new HostInput({ logger: silentLogger(), device: 'dc-agent-1', callTimeoutMs: 30_000 });
    const [s] = await input.gather({ ts: 1, intervalS: 60, assignment: assignment([]) });
    expect(s).toMatchObject({ type: 'host', device: 'dc-agent-1', ts: 1, uptimeS: expect.any(Number), cpuPct: expect.any(Number), memUsedPct: expect.any(Number) });
    if (s.type !== 'host') throw new Error('expected a host sample');
    expect(s.memUsedPct).toBeGreaterThan(0);
    expect(s.disks?.some((d) => d.mount === '/')).toBe(true);
    expect(typeof s.rxBytes).toBe('bigint');
  });

  it('goes on without disks when the disk call hangs, and does not start it again while hung', async () => {
    let calls = 0;
    // The other calls answer at once (the real ones are the test above): only the hung disk
    // call can hold the cycle, and its timeout must end it.
    const input = new HostInput({
      logger: silentLogger(),
      device: 'h',
      callTimeoutMs: 200,
      calls: {
        disks: () => (calls++, new Promise(() => undefined)),
        cpuPct: async () => 12.34,
        memUsedPct: async () => 56.78,
        net: async () => ({ rx: 1n, tx: 2n }),
      },
    });
    const [s] = await input.gather({ ts: 1, intervalS: 60, assignment: assignment([]) });
    expect(s).toMatchObject({ type: 'host', device: 'h', ts: 1, cpuPct: 12.3, memUsedPct: 56.8, rxBytes: 1n, txBytes: 2n });
    expect('disks' in s).toBe(false);
    await input.gather({ ts: 2, intervalS: 60, assignment: assignment([]) });
    expect(calls).toBe(1);
  });
});

describe('host network bytes', () => {
  it('sums /proc/net/dev over every interface but lo, exactly above 2^53', async () => {
    const { procNetDev } = await import('../../agent/inputs/host/index.js');
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo: 9999999       10    0    0    0     0          0         0  9999999      10    0    0    0     0       0          0',
      '  eth0: 9007199254740993 5 0 0 0 0 0 0 12 1 0 0 0 0 0 0',
      'veth-a1:10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0',
      '',
    ].join('\n');
    expect(procNetDev(text)).toEqual({ rx: 9007199254741003n, tx: 32n });
  });
});
