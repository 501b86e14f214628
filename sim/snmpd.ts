// Starts Debian's real Net-SNMP daemon (/usr/sbin/snmpd) on loopback ports for tests and
// benchmarks: a real peer with the host's own IF-MIB (lo, eth0, ...), v2c and v3 authPriv.
// The config and persistent state live in a temporary folder removed by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snmp from 'net-snmp';

export interface SnmpdOptions {
  /** UDP ports on 127.0.0.1 to listen on (one snmpd answers on all of them). */
  ports: number[];
  /** UDP ports on ::1 to listen on as well. */
  ports6?: number[];
  /** v2c read-only community (default "public"). */
  community?: string;
  /** A v3 authPriv user, SHA authentication and AES privacy by default. */
  v3User?: SnmpdV3User;
  /** More v3 authPriv users. */
  v3Users?: SnmpdV3User[];
  /** Path of the daemon (default /usr/sbin/snmpd). */
  binary?: string;
  /** How long to wait until it answers, in ms (default 10 000). */
  startTimeoutMs?: number;
}

export interface SnmpdV3User {
  name: string;
  authKey: string;
  privKey: string;
  authProtocol?: 'SHA' | 'MD5' | 'SHA-256';
  /** AES-256 is Blumenthal's key extension in Debian's snmpd (Pantau's `aes256`). */
  privProtocol?: 'AES' | 'DES' | 'AES-256';
}

export interface SnmpdHandle {
  ports: number[];
  community: string;
  /** The daemon's stdout/stderr so far (it logs with -Lo). */
  output(): string;
  stop(): Promise<void>;
}

export async function startSnmpd(opts: SnmpdOptions): Promise<SnmpdHandle> {
  if (opts.ports.length === 0) throw new Error('startSnmpd: at least one port');
  const community = opts.community ?? 'public';
  const dir = mkdtempSync(join(tmpdir(), 'pantau-snmpd-'));
  const conf = join(dir, 'snmpd.conf');
  const lines = [
    `[snmp] persistentDir ${dir}`,
    `agentAddress ${[...opts.ports.map((p) => `udp:127.0.0.1:${p}`), ...(opts.ports6 ?? []).map((p) => `udp6:[::1]:${p}`)].join(',')}`,
    `rocommunity ${community} 127.0.0.1`,
  ];
  if (opts.ports6?.length) lines.push(`rocommunity6 ${community} ::1`);
  for (const u of [...(opts.v3User ? [opts.v3User] : []), ...(opts.v3Users ?? [])]) {
    lines.push(`createUser ${u.name} ${u.authProtocol ?? 'SHA'} "${u.authKey}" ${u.privProtocol ?? 'AES'} "${u.privKey}"`);
    lines.push(`rouser ${u.name} priv`);
  }
  writeFileSync(conf, lines.join('\n') + '\n');

  let out = '';
  const child: ChildProcess = spawn(opts.binary ?? '/usr/sbin/snmpd', ['-f', '-Lo', '-C', '-c', conf], {
    env: { ...process.env, MIBS: '', SNMP_PERSISTENT_DIR: dir, SNMPCONFPATH: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`snmpd exited with ${child.exitCode} before answering: ${out.trim()}`);
    }
    if (await answers(opts.ports[0], community)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`snmpd did not answer on 127.0.0.1:${opts.ports[0]} within the start timeout: ${out.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ports: opts.ports, community, output: () => out, stop };
}

function answers(port: number, community: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = snmp.createSession('127.0.0.1', community, { port, version: snmp.Version2c, timeout: 200, retries: 0 });
    s.on('error', () => undefined);
    s.get(['1.3.6.1.2.1.1.3.0'], (err) => {
      s.close();
      resolve(!err);
    });
  });
}

/** Free UDP ports on 127.0.0.1 (bound then released: good enough for tests and the demo). */
export async function freeUdpPorts(n: number): Promise<number[]> {
  const { createSocket } = await import('node:dgram');
  const socks = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:dgram').Socket>((resolve) => {
      const s = createSocket('udp4');
      s.bind(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = socks.map((s) => s.address().port);
  await Promise.all(socks.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}
