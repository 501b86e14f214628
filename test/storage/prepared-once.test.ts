// Issue 13: statements are prepared once and reused, never per request. A statement prepared
// per request is garbage for the collector to finalise, and with better-sqlite3 12 on Node
// 24.19+ a finalised statement aborts the process. Counted with a spy on db.prepare around
// repeated rounds of every read and write path a running collector serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, OPERATOR_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { enginePackage, engineHelp, engineVersion, NODE_MAJOR, openDatabase } from '../../collector/storage/sqlite.js';

const T0 = Date.UTC(2026, 10, 16, 3, 0, 0); // 16 Nov 2026, 10:00 WIB
let now = T0;
let c: TestCollector;
let prepares = 0;
const prepared: string[] = [];
let batch = 0;

async function round(): Promise<void> {
  now += 60_000;
  const ts = now - 1_000;
  const n = BigInt(now - T0) * 1000n;
  const ingest = await c.post('/api/v1/ingest', {
    agent: 'a1',
    batch: `b${batch++}`,
    samples: [
      { type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: String(n), outOctets: String(n / 2n), bits: 64, uptime: 100 + (now - T0) / 10 },
      { type: 'ping', device: 'r2', ts, up: true, rttMs: 1.5 },
      { type: 'poll', device: 'r1', ts, ok: true, durationMs: 12 },
      { type: 'iface', device: 'r1', interface: 'ether1', ts: ts + 1, inOctets: 'not a number', outOctets: '1', bits: 64 },
    ],
  }, AGENT_TOKEN);
  expect(ingest.status).toBe(200);
  c.rollup.drain();
  c.bandwidthRules.evaluate(now);
  c.backupRules.evaluate(now);
  expect((await c.post('/api/v1/backups', { opd: 'dinkes', run: `r${batch}`, bytes: 1000 }, AGENT_TOKEN)).status).toBe(201);
  for (const path of ['/healthz', '/api/v1/status', '/api/v1/backups', '/api/v1/usage?month=2026-11', '/api/v1/alerts?state=all', '/api/v1/series?device=r1&interface=ether1&from=' + T0 + '&to=' + now])
    expect((await c.get(path)).status, path).toBe(200);
  const alerts = (await (await c.get('/api/v1/alerts?state=all')).json()) as { id: number }[];
  if (alerts[0]) expect((await c.post(`/api/v1/alerts/${alerts[0].id}/ack`, { note: 'seen' }, OPERATOR_TOKEN)).status).toBe(200);
  c.prune(now);
}

describe('prepared statements', () => {
  beforeAll(async () => {
    c = await startTestCollector(undefined, { now: () => now });
    const db = c.store.db;
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepares++;
      prepared.push(sql.replace(/\s+/g, ' ').slice(0, 80));
      return prepare(sql);
    }) as typeof db.prepare;
  });
  afterAll(async () => {
    await c?.cleanup();
  });

  it('are prepared once each: twenty rounds of every request prepare no statement twice', async () => {
    for (let i = 0; i < 3; i++) await round();
    const warm = prepares;
    expect(warm).toBeGreaterThan(0); // the spy sees the lazily prepared ones (it is not dead)
    for (let i = 0; i < 20; i++) await round();
    const twice = prepared.filter((sql, i) => prepared.indexOf(sql) !== i);
    expect(twice).toEqual([]);
    expect(prepares - warm).toBeLessThan(5); // at most a few first uses (e.g. the first alert), not one per request
  });
});

describe('the SQLite engine', () => {
  it('is better-sqlite3 13 on Node 22 and newer, and 12 (better-sqlite3-node20) on Node 20', () => {
    expect(enginePackage(20)).toBe('better-sqlite3-node20');
    expect(enginePackage(22)).toBe('better-sqlite3');
    expect(enginePackage(24)).toBe('better-sqlite3');
    expect(engineVersion()).toMatch(NODE_MAJOR >= 22 ? /^better-sqlite3 13\./ : /^better-sqlite3 12\./);
    const db = openDatabase(':memory:');
    expect(db.prepare('SELECT sqlite_version() AS v').get()).toMatchObject({ v: expect.stringMatching(/^3\./) });
    db.close();
  });

  it('says in one line what to install when the Node 20 engine could not be built', () => {
    const line = engineHelp('better-sqlite3-node20', new Error("Could not locate the bindings file. Tried:\n → /x/build/better_sqlite3.node"));
    expect(line).not.toContain('\n');
    expect(line).toContain('Could not locate the bindings file');
    expect(line).toMatch(/python3, make and g\+\+/);
    expect(line).toContain('npm rebuild better-sqlite3-node20');
  });
});
