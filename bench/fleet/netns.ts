// The simulated fleet: one network namespace of our own holding 48 veth interfaces (24 pairs)
// and lo, and ten Debian snmpd processes inside it, each answering on 100 UDP ports of the
// namespace's 127.0.0.1: 1,000 "routers" of 49 ifTable rows each. Every poller runs inside the
// same namespace (ip netns exec), so no address outside it is ever a target.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuOf, sleep, waitFor } from '../harness/proc.js';
import { lastStderr, onTeardown, spawnManaged, tempDir } from '../harness/teardown.js';

export const NS = 'pantau-bench-fleet';
export const FIRST_PORT = 30001;
export const FLEET_V3 = { user: 'bench', authKey: 'bench-auth-key-1', privKey: 'bench-priv-key-1' };

export interface Fleet {
  ns: string;
  /** UDP ports on 127.0.0.1 inside `ns`, one per simulated router. */
  ports: number[];
  snmpdPids: number[];
  interfacesPerRouter: number;
  /** CPU seconds used so far by all snmpd processes. */
  snmpdCpu(): number;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export async function startFleet(o: { routers: number; perProcess: number; vethPairs: number }): Promise<Fleet> {
  // A namespace of this name is ours, left by an interrupted run: remove it first.
  if (ip('netns', 'list').split('\n').some((l) => l.split(' ')[0] === NS)) ip('netns', 'del', NS);
  ip('netns', 'add', NS);
  onTeardown(`delete network namespace ${NS}`, () => void ip('netns', 'del', NS));
  ip('-n', NS, 'link', 'set', 'lo', 'up');
  for (let i = 0; i < o.vethPairs; i++) {
    ip('-n', NS, 'link', 'add', `va${i}`, 'type', 'veth', 'peer', 'name', `vb${i}`);
    ip('-n', NS, 'link', 'set', `va${i}`, 'up');
    ip('-n', NS, 'link', 'set', `vb${i}`, 'up');
  }
  const dir = tempDir('fleet');
  const ports = Array.from({ length: o.routers }, (_, i) => FIRST_PORT + i);
  const snmpdPids: number[] = [];
  for (let p = 0; p * o.perProcess < o.routers; p++) {
    const mine = ports.slice(p * o.perProcess, (p + 1) * o.perProcess);
    const conf = join(dir, `snmpd-${p}.conf`);
    const state = join(dir, `state-${p}`);
    if (!existsSync(state)) mkdirSync(state);
    writeFileSync(
      conf,
      [
        `agentAddress ${mine.map((port) => `udp:127.0.0.1:${port}`).join(',')}`,
        'rocommunity public 127.0.0.1',
        // An SNMPv3 user for BENCH_FLEET_SNMP=v3 (SHA/AES authPriv).
        `createUser ${FLEET_V3.user} SHA "${FLEET_V3.authKey}" AES "${FLEET_V3.privKey}"`,
        `rouser ${FLEET_V3.user} priv`,
        'dontLogTCPWrappersConnects yes',
        '',
      ].join('\n'),
    );
    const child = spawnManaged(`snmpd ${p}`, 'ip', ['netns', 'exec', NS, '/usr/sbin/snmpd', '-f', '-Lo', '-C', '-c', conf], {
      env: { ...process.env, MIBS: '', SNMP_PERSISTENT_DIR: state },
    });
    snmpdPids.push(child.pid!);
    await sleep(50);
    if (child.exitCode !== null) throw new Error(`snmpd ${p} exited: ${lastStderr(child)}`);
  }
  // Ready when the last port of every process answers sysUpTime.
  for (let p = 0; p < snmpdPids.length; p++) {
    const port = ports[Math.min(ports.length - 1, (p + 1) * o.perProcess - 1)];
    await waitFor(`snmpd on port ${port}`, () => {
      execFileSync('ip', ['netns', 'exec', NS, 'snmpget', '-v2c', '-c', 'public', '-t', '1', '-r', '0', '-Oqv', `127.0.0.1:${port}`, '1.3.6.1.2.1.1.3.0'], {
        stdio: 'ignore',
        env: { ...process.env, MIBS: '' },
      });
      return true;
    }, 20000, 200);
  }
  const rows = execFileSync('ip', ['netns', 'exec', NS, 'snmpbulkwalk', '-v2c', '-c', 'public', '-Oqn', `127.0.0.1:${ports[0]}`, '1.3.6.1.2.1.31.1.1.1.6'], {
    env: { ...process.env, MIBS: '' },
  })
    .toString()
    .trim()
    .split('\n').length;
  return { ns: NS, ports, snmpdPids, interfacesPerRouter: rows, snmpdCpu: () => snmpdPids.reduce((n, pid) => n + cpuOf(pid).self, 0) };
}

/** The command line that runs `args` inside the fleet's namespace. */
export const inNs = (args: string[]) => ['netns', 'exec', NS, ...args];
