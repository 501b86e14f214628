// Issue 8, defect 4: `pantau collector` serves HTTPS with tls: {cert, key} and swaps its
// certificate on SIGHUP; an agent trusting the right CA or fingerprint delivers, one that
// does not refuses before a byte of its request (its token) leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { parseCollectorConfig } from '../../config/collector.js';
import { parseAgentConfig } from '../../config/agent.js';
import { Sender } from '../../agent/transport/sender.js';
import { request, HttpError, type TlsTrust } from '../../agent/transport/http.js';
import { silentLogger } from '../../log/logger.js';
import { AGENT_TOKEN, testConfigYaml } from '../helpers/collector.js';
import { spawnPantau, until, writeConfig, type Proc } from '../helpers/processes.js';
import { makeCa, makeServerCert, type Pair } from './certs.js';
import { startAgent } from '../../agent/main.js';
import { openDatabase } from '../../collector/storage/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'pantau-tls-'));
let ca: Pair, otherCa: Pair, first: Pair, renewed: Pair, stranger: Pair;
let collector: Proc | undefined;
let url = '';
const live = { cert: join(dir, 'live.pem'), key: join(dir, 'live.key') };

beforeAll(async () => {
  ca = makeCa(dir, 'pantau-test-ca');
  otherCa = makeCa(dir, 'other-ca');
  first = makeServerCert(dir, 'collector-1', ca);
  renewed = makeServerCert(dir, 'collector-2', ca);
  stranger = makeServerCert(dir, 'stranger', otherCa);
  copyFileSync(first.cert, live.cert);
  copyFileSync(first.key, live.key);
  const cfg = writeConfig(dir, 'collector.yaml', testConfigYaml(join(dir, 'pantau.db'), `tls: { cert: ${JSON.stringify(live.cert)}, key: ${JSON.stringify(live.key)} }`));
  collector = spawnPantau(['collector', '--config', cfg]);
  url = (await until(() => /"url":"(https:\/\/127\.0\.0\.1:\d+)"/.exec(collector!.log()), 60_000, 'the collector to listen over https'))[1];
}, 90_000);

afterAll(async () => {
  await collector?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function deliver(trust: TlsTrust | undefined, to = url) {
  const sender = new Sender({ collector: to, token: AGENT_TOKEN, logger: silentLogger(), maxBodyBytes: () => 1 << 20, tls: trust, requestTimeoutMs: 10_000 });
  return sender.send({ agent: 'a1', batch: `tls-${++n}`, samples: [{ type: 'ping', device: 'r1', ts: Date.now() - 1000, up: true }] });
}

/** The SHA-256 fingerprint a new connection to the collector is shown. */
function servedFingerprint(): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.destroy();
    });
    s.on('error', reject);
  });
}

/** A TLS server with `pair` that records every byte of application data it receives. */
async function listeningStranger(pair: Pair): Promise<{ url: string; received: () => number; closed: Promise<void>; close: () => void }> {
  let received = 0;
  let onClosed!: () => void;
  const closed = new Promise<void>((r) => (onClosed = r));
  const server = tls.createServer({ cert: readFileSync(pair.cert), key: readFileSync(pair.key) }, (s) => {
    s.on('data', (c: Buffer) => (received += c.length));
    s.on('error', () => {});
    s.on('close', onClosed);
  });
  server.on('tlsClientError', () => onClosed());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `https://127.0.0.1:${port}`, received: () => received, closed, close: () => server.close() };
}

describe('TLS between agent and collector', () => {
  it('delivers a batch to the collector whose certificate the agent verifies with its CA', async () => {
    const r = await deliver({ ca: readFileSync(ca.cert) });
    expect(r.retry?.reason).toBeUndefined();
    expect(r.acked).toMatchObject([{ ok: true, stored: 1 }]);
  });

  it('delivers with the certificate pinned by its SHA-256 fingerprint and no CA', async () => {
    const r = await deliver({ fingerprint: first.fingerprint });
    expect(r.acked).toMatchObject([{ ok: true, stored: 1 }]);
  });

  it('refuses a collector signed by another CA without sending a byte', async () => {
    const s = await listeningStranger(stranger);
    try {
      const r = await deliver({ ca: readFileSync(ca.cert) }, s.url);
      expect(r.acked).toEqual([]);
      expect(r.retry?.reason).toMatch(/TLS/);
      await s.closed;
      expect(s.received()).toBe(0);
    } finally {
      s.close();
    }
  });

  it('refuses a certificate whose fingerprint is not the pinned one, even one the CA signed, without sending a byte', async () => {
    const s = await listeningStranger(renewed);
    try {
      const err = await request(new URL('/api/v1/agents/a1/assignment', s.url), {
        method: 'GET',
        headers: { authorization: `Bearer ${AGENT_TOKEN}` },
        timeoutMs: 10_000,
        tls: { ca: readFileSync(ca.cert), fingerprint: first.fingerprint },
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).code).toBe('ECERTPIN');
      await s.closed;
      expect(s.received()).toBe(0);
    } finally {
      s.close();
    }
  });

  it('serves the renewed certificate after SIGHUP, to new connections', async () => {
    expect(await servedFingerprint()).toBe(first.fingerprint);
    copyFileSync(renewed.cert, live.cert);
    copyFileSync(renewed.key, live.key);
    collector!.child.kill('SIGHUP');
    await until(() => collector!.log().includes('certificate reloaded'), 10_000, 'the reload to be logged');
    expect(await servedFingerprint()).toBe(renewed.fingerprint);
    expect((await deliver({ fingerprint: renewed.fingerprint })).acked).toMatchObject([{ ok: true, stored: 1 }]);
    expect((await deliver({ fingerprint: first.fingerprint })).retry?.reason).toMatch(/pinned/);
    expect(collector!.child.exitCode).toBeNull();
  });

  it('keeps serving the current certificate when a reload finds a key that does not match', async () => {
    copyFileSync(first.key, live.key); // the renewed certificate with the old key: a broken renewal
    collector!.child.kill('SIGHUP');
    await until(() => collector!.log().includes('certificate reload failed'), 10_000, 'the failed reload to be logged');
    expect(await servedFingerprint()).toBe(renewed.fingerprint);
    expect((await deliver({ fingerprint: renewed.fingerprint })).acked).toMatchObject([{ ok: true, stored: 1 }]);
    copyFileSync(renewed.key, live.key);
  });
});

describe('a running agent over TLS', () => {
  const agentYaml = (name: string, tlsLine: string) =>
    `id: a1\ncollector: ${url}\ntoken: ${AGENT_TOKEN}\nspool: ${JSON.stringify(join(dir, name))}\n${tlsLine}\n`;
  const polled = () => {
    const db = openDatabase(join(dir, 'pantau.db'), { readonly: true });
    try {
      return Number(db.prepare("SELECT count(*) FROM poll_result p JOIN device d ON d.id = p.device WHERE d.name IN ('r1', 'r2')").pluck().get());
    } finally {
      db.close();
    }
  };

  it('fetches its assignment and delivers its first cycle when it trusts the CA in its config', async () => {
    const caFile = join(dir, 'agent-ca.pem');
    copyFileSync(ca.cert, caFile);
    const before = polled();
    const agent = await startAgent(parseAgentConfig('agent.yaml', agentYaml('spool-ok', `tls: { ca: ${JSON.stringify(caFile)} }`)), { logger: silentLogger(), ping: false, host: false });
    try {
      expect(agent.stats().assignment.devices.map((d) => d.id)).toEqual(['r1', 'r2']);
      // r1 and r2 do not answer SNMP here: the cycle reports that, as poll results, over TLS.
      await until(() => polled() >= before + 2, 30_000, 'the first cycle stored');
    } finally {
      await agent.stop();
    }
  });

  it('neither fetches its assignment nor sends anything to a collector whose certificate is not the pinned one', async () => {
    const agent = await startAgent(parseAgentConfig('agent.yaml', agentYaml('spool-pinned', `tls: { fingerprint: "${stranger.fingerprint}" }`)), { logger: silentLogger(), ping: false, host: false });
    try {
      expect(agent.stats().assignment.devices).toEqual([]); // the default: host metrics only
    } finally {
      await agent.stop();
    }
  });
});

describe('TLS configuration', () => {
  it('refuses plain HTTP on a non-loopback address unless allowPlainHttp is set', () => {
    const base = testConfigYaml('x.db').replace('listen: 127.0.0.1:0', 'listen: 0.0.0.0:8080');
    expect(() => parseCollectorConfig('c.yaml', base)).toThrow(/listen: "0\.0\.0\.0:8080" is not a loopback address and tls is not set/);
    expect(parseCollectorConfig('c.yaml', base + '\nallowPlainHttp: true\n').allowPlainHttp).toBe(true);
    // Relative to the config file's folder, as every path of the config is.
    expect(parseCollectorConfig('c.yaml', base + '\ntls: { cert: c.pem, key: k.pem }\n', { baseDir: '/etc/pantau' }).tls).toEqual({ cert: '/etc/pantau/c.pem', key: '/etc/pantau/k.pem' });
  });

  it('refuses an agent tls key with an http collector or a malformed fingerprint', () => {
    const agent = (extra: string, collector = 'https://noc.example.go.id:8443') => `id: a1\ncollector: ${collector}\ntoken: ${AGENT_TOKEN}\n${extra}\n`;
    expect(() => parseAgentConfig('a.yaml', agent('tls: { ca: ca.pem }', 'http://10.0.0.1:8080'))).toThrow(/expected an https:\/\/ collector URL/);
    expect(() => parseAgentConfig('a.yaml', agent('tls: { fingerprint: "AB:CD" }'))).toThrow(/tls\.fingerprint: expected a SHA-256 fingerprint/);
    expect(parseAgentConfig('a.yaml', agent(`tls: { fingerprint: "${first.fingerprint}" }`)).tls?.fingerprint).toBe(first.fingerprint);
  });
});
