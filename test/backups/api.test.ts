// POST and GET /api/v1/backups against a real collector on loopback with an injected clock:
// who may report for which OPD, clear 400s with the field's path, start/end pairing, the
// agent's backupWatch samples (hash, reason) through ingest, and not_configured.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, OPERATOR_TOKEN, OTHER_AGENT_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { backupYaml, BK_BAPPEDA, BK_DINKES, MIN, t } from './helpers.js';

let clock = t('2026-03-10T03:00:00Z'); // 10 March 10:00 WIB
let c: TestCollector;
beforeEach(async () => {
  clock = t('2026-03-10T03:00:00Z');
  c = await startTestCollector(backupYaml, { now: () => clock });
});
afterEach(() => c.cleanup());

const view = async () => (await (await c.get('/api/v1/backups')).json()) as { opds: Record<string, unknown>[] };
const opdView = async (id: string) => (await view()).opds.find((o) => o.opd === id) as Record<string, any>;

describe('POST /api/v1/backups', () => {
  it('refuses a missing token, a user token, another OPD\'s backup token and an agent that does not watch the OPD', async () => {
    const r0 = await fetch(c.url + '/api/v1/backups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"opd":"dinkes"}' });
    expect(r0.status).toBe(401);
    const r1 = await c.post('/api/v1/backups', { opd: 'dinkes' }, OPERATOR_TOKEN);
    expect(r1.status).toBe(403);
    expect(r1.headers.get('connection')).toBe('close'); // refused before its body was read
    const r2 = await c.post('/api/v1/backups', { opd: 'dinkes' }, BK_BAPPEDA);
    expect(r2.status).toBe(403);
    expect(await r2.json()).toMatchObject({ code: 'PANTAU_FORBIDDEN', path: 'opd', error: expect.stringMatching(/belongs to OPD "bappeda", not "dinkes"/) });
    const r3 = await c.post('/api/v1/backups', { opd: 'dinkes' }, OTHER_AGENT_TOKEN);
    expect(r3.status).toBe(403);
    const r4 = await c.post('/api/v1/backups', { opd: 'nowhere' }, AGENT_TOKEN);
    expect(r4.status).toBe(404);
    expect((c.store.db.prepare('SELECT count(*) FROM backup_run').pluck().get() as number)).toBe(0);
    expect((await c.post('/api/v1/backups', { opd: 'dinkes' }, AGENT_TOKEN)).status).toBe(201);
    expect((await c.post('/api/v1/backups', { opd: 'dinkes' }, BK_DINKES)).status).toBe(201);
  });

  it('answers 400 with the path of the bad field and stores nothing', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ opd: 'dinkes', ts: 'yesterday' }, 'ts', /milliseconds since the epoch/],
      [{ opd: 'dinkes', ts: clock + 3600_000 }, 'ts', /a time within/],
      [{ opd: 'dinkes', phase: 'begin' }, 'phase', /"start" or "end"/],
      [{ opd: 'dinkes', phase: 'start', ok: true }, 'ok', /nothing in a start/],
      [{ opd: 'dinkes', bytes: -1 }, 'bytes', /size in bytes/],
      [{ opd: 'dinkes', bytes: '12 GB' }, 'bytes', /size in bytes/],
      [{ opd: 'dinkes', sha256: 'abc' }, 'sha256', /64 hexadecimal/],
      [{ opd: 'dinkes', reason: 'x'.repeat(501) }, 'reason', /at most 500/],
      [{ opd: 'dinkes', exitCode: 1.5 }, 'exitCode', /exit status/],
      [{ opd: 'dinkes', run: 'a b' }, 'run', /run id/],
      [{ opd: 'dinkes', bites: 12 }, 'bites', /no such field/],
      [{ opd: 'dinkes', ok: 'yes' }, 'ok', /true or false/],
      [[], '(body)', /JSON object/],
    ];
    for (const [body, path, msg] of cases) {
      const r = await c.post('/api/v1/backups', body, BK_DINKES);
      const j = (await r.json()) as { error: string; path: string };
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(j.path).toBe(path);
      expect(j.error).toMatch(msg);
    }
    expect(c.store.db.prepare('SELECT count(*) FROM backup_run').pluck().get()).toBe(0);
  });

  it('pairs a start and an end by run id, with the duration, and stores a retried end once', async () => {
    clock = t('2026-03-10T18:00:00Z'); // 11 March 01:00 WIB
    expect((await c.post('/api/v1/backups', { opd: 'dinkes', ts: t('2026-03-09T19:00:00Z'), bytes: 120_000_000_000 }, BK_DINKES)).status).toBe(201); // 10 March's
    const s = await c.post('/api/v1/backups', { opd: 'dinkes', phase: 'start', run: 'r-1' }, BK_DINKES);
    expect(s.status).toBe(201);
    expect(await s.json()).toMatchObject({ status: 'running', run: 'r-1', phase: 'start' });
    clock += 10 * MIN;
    expect((await opdView('dinkes')).running).toMatchObject({ run: 'r-1', elapsedS: 600 });
    clock += 15 * MIN;
    const sha = 'AB'.repeat(32);
    const e = await c.post('/api/v1/backups', { opd: 'dinkes', phase: 'end', run: 'r-1', ok: true, bytes: '123456789012', path: '/srv/backup/dinkes.tar.gz', sha256: sha }, BK_DINKES);
    expect(e.status).toBe(201);
    expect(await e.json()).toMatchObject({ status: 'ok', duplicate: false });
    const again = await c.post('/api/v1/backups', { opd: 'dinkes', phase: 'end', run: 'r-1', ok: true, bytes: '123456789012' }, BK_DINKES);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    const v = await opdView('dinkes');
    expect(v.status).toBe('ok');
    expect(v.lastGood).toEqual({ ts: clock, bytes: '123456789012', path: '/srv/backup/dinkes.tar.gz', sha256: sha.toLowerCase(), durationS: 1500 });
    expect(v.recent).toHaveLength(2);
    expect(v.recent[0]).toMatchObject({ run: 'r-1', state: 'ok', startedAt: clock - 25 * MIN, endedAt: clock, durationS: 1500, suspicious: false });
    expect(v.nextDue).toBe(t('2026-03-11T18:00:00Z'));
  });

  it('stores the hash and the reason of an agent\'s backupWatch sample; a failed archive is corrupt', async () => {
    clock = t('2026-03-10T18:30:00Z');
    const body = {
      agent: 'a1', batch: 'b1',
      samples: [{ type: 'backup', opd: 'dinkes', ts: clock - MIN, ok: false, bytes: '5000', path: '/srv/b/dinkes.tar.gz', sha256: 'c'.repeat(64), reason: 'gzip: unexpected end of file' }],
    };
    const r = await c.post('/api/v1/ingest', body, AGENT_TOKEN);
    expect(await r.json()).toMatchObject({ stored: 1 });
    expect(c.store.db.prepare('SELECT sha256, reason, source FROM backup_run').get()).toEqual({ sha256: 'c'.repeat(64), reason: 'gzip: unexpected end of file', source: 'agent:a1' });
    const v = await opdView('dinkes');
    expect(v.status).toBe('failed');
    expect(v.reason).toMatch(/corrupt archive: gzip: unexpected end of file/);
    expect(v.counts.corrupt).toEqual([{ ts: clock - MIN, path: '/srv/b/dinkes.tar.gz', reason: 'gzip: unexpected end of file' }]);
    // A bad hash is set aside (the sample is kept without it); an over-long reason is cut.
    const r2 = await c.post('/api/v1/ingest', { agent: 'a1', batch: 'b2', samples: [{ type: 'backup', opd: 'dinkes', ts: clock, ok: true, sha256: 'xyz', reason: 'y'.repeat(600) }] }, AGENT_TOKEN);
    const ack = (await r2.json()) as { stored: number; setAside: { field: string; action: string }[] };
    expect(ack.stored).toBe(1);
    expect(ack.setAside.map((x) => `${x.field}:${x.action}`).sort()).toEqual(['reason:cut', 'sha256:unknown']);
    // That good archive, seen by the agent, sets the status back to ok.
    expect(await opdView('dinkes')).toMatchObject({ status: 'ok', lastGood: { ts: clock }, consecutiveFailures: 0 });
  });

  it('says not_configured for an OPD without a backup schedule and lists its runs', async () => {
    const v = await opdView('bkd');
    expect(v).toMatchObject({ status: 'not_configured', recent: [], counts: { state: 'not_configured', due: 0 } });
    expect((await opdView('bappeda')).status).toBe('missing');
  });

  it('refuses GET without a viewer token and a month that has not begun', async () => {
    expect((await c.get('/api/v1/backups', BK_DINKES)).status).toBe(403);
    const r = await c.get('/api/v1/backups?month=2026-04');
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ path: 'month' });
  });
});
