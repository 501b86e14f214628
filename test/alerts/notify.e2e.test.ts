// Notifiers against real peers on loopback: a webhook receiver, a fake Telegram Bot API and an
// SMTP server, fed by a collector whose notification clock the test drives with tick(at).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { createLogger } from '../../log/logger.js';
import { OPERATOR_TOKEN, startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import { startSmtp, type SmtpPeer } from '../report/peers.js';
import { startFakeTelegram, startWebhookReceiver, type HttpPeer } from './peers.js';

const BOT_TOKEN = '123456789:AAH-secret-bot-token-never-printed';
const HOOK_SECRET = 'Bearer hook-secret-never-printed-42';
const T0 = Date.UTC(2026, 10, 16, 3, 0, 0); // 10:00 WIB
const S = 1000;
const MIN = 60_000;

let hook: HttpPeer;
let tg: HttpPeer;
let smtp: SmtpPeer;
beforeAll(async () => {
  [hook, tg, smtp] = await Promise.all([startWebhookReceiver(), startFakeTelegram(BOT_TOKEN), startSmtp()]);
});
afterAll(async () => {
  await Promise.all([hook?.close(), tg?.close(), smtp?.close()]);
});

let c: TestCollector & { clock: { t: number } };
let logs: string[];
beforeEach(async () => {
  hook.reset();
  tg.reset();
  smtp.messages.length = 0;
  logs = [];
  const clock = { t: T0 };
  const extra = `
report:
  smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, from: "NOC Diskominfo <noc@example.go.id>" }
notify:
  - { type: webhook, url: "${hook.url}/hook", headers: { Authorization: "${HOOK_SECRET}" }, maxAttempts: 3, retrySeconds: 10 }
  - { type: telegram, botToken: "${BOT_TOKEN}", chatId: -1001234567890, apiUrl: "${tg.url}", maxAttempts: 2, retrySeconds: 5 }
  - { type: email, to: [ noc@example.go.id ] }
`;
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => void logs.push(s) } });
  const started = await startTestCollector((sqlite) => testConfigYaml(sqlite, extra), { now: () => clock.t, logger });
  c = Object.assign(started, { clock });
});
afterEach(async () => {
  await c.cleanup();
});

/** Advances the collector's clock to `at` and runs the notifiers' timer once. */
async function tick(at: number): Promise<void> {
  c.clock.t = at;
  await c.alerting.tick(at);
}

function down(device: string, opd: string, active: boolean, at: number): void {
  c.clock.t = at;
  c.alerting.engine.observe({ key: `device_down:${device}`, kind: 'device_down', severity: 'critical', opd, device, summary: `${device} tidak menjawab ping`, active, at, forMs: 0, clearMs: 0 });
}

const hookEvents = (i: number) => (hook.delivered[i].body.alerts as { event: string; key: string }[]).map((a) => `${a.event} ${a.key}`).sort();
const tgTexts = () => tg.delivered.map((r) => r.body.text as string);
const eventRows = (what: string) => c.store.db.prepare('SELECT count(*) FROM alert_event WHERE what = ?').pluck().get(what) as number;

describe('notifiers', () => {
  it('a burst of one OPD is one message per notifier; an unacknowledged alert is repeated; the resolved message follows', async () => {
    down('r1', 'dinkes', true, T0);
    down('r2', 'dinkes', true, T0 + 2 * S);
    // Another capability raising its alert straight on the AlertStore is notified the same way.
    c.clock.t = T0 + 4 * S;
    c.alerts.fire({ key: 'backup_missing:dinkes', kind: 'backup_missing', severity: 'warning', opd: 'dinkes', summary: 'Cadangan Dinas Kesehatan belum masuk' }, T0 + 4 * S);
    down('r3', 'bappeda', true, T0 + 20 * S);
    await tick(T0 + 10 * S);
    expect(hook.requests).toHaveLength(0); // still within the group wait
    await tick(T0 + 30 * S);
    expect(hook.delivered).toHaveLength(1);
    expect(hook.delivered[0].headers.authorization).toBe(HOOK_SECRET);
    expect(hook.delivered[0].body).toMatchObject({ version: 1, opd: 'dinkes', opdName: 'Dinas Kesehatan', language: 'id' });
    expect(hookEvents(0)).toEqual(['firing backup_missing:dinkes', 'firing device_down:r1', 'firing device_down:r2']);
    expect(tg.delivered).toHaveLength(1);
    expect(tg.delivered[0].body).toMatchObject({ chat_id: -1001234567890 });
    expect(tgTexts()[0]).toMatch(/^\[Pantau\] Dinas Kesehatan: 3 masalah\n/);
    expect(tgTexts()[0]).toContain('Aktif · KRITIS · r1 tidak menjawab ping (sejak 16 Nov');
    expect(smtp.messages).toHaveLength(1);
    const mail: ParsedMail = smtp.messages[0];
    expect(mail.subject).toBe('[Pantau] Dinas Kesehatan: 3 masalah');
    expect(mail.text).toContain('Aktif · PERINGATAN · Cadangan Dinas Kesehatan belum masuk');
    await tick(T0 + 50 * S); // Bappeda's group, 30 s after its first alert
    expect(hook.delivered).toHaveLength(2);
    expect(hook.delivered[1].body.opd).toBe('bappeda');

    // Budi acknowledges r2: an hour on, only r1 and the backup are repeated, in one message.
    c.clock.t = T0 + 5 * MIN;
    const r2 = c.alerts.firing('device_down:r2')!;
    expect((await c.post(`/api/v1/alerts/${r2.id}/ack`, { note: 'teknisi menuju lokasi' }, OPERATOR_TOKEN)).status).toBe(200);
    await tick(T0 + 60 * MIN); // not yet an hour since the first message (T0 + 30 s)
    await tick(T0 + 60 * MIN + 30 * S);
    expect(hook.delivered).toHaveLength(2);
    await tick(T0 + 60 * MIN + 60 * S);
    expect(hook.delivered).toHaveLength(3);
    expect(hookEvents(2)).toEqual(['repeat backup_missing:dinkes', 'repeat device_down:r1']);
    expect(tgTexts()[2]).toContain('Masih aktif');

    // Resolved: r1 and r2 together, r2 still marked as handled by budi. (Bappeda's r3, notified
    // at T0 + 50 s, is repeated in its own message on the same tick.)
    down('r1', 'dinkes', false, T0 + 70 * MIN);
    down('r2', 'dinkes', false, T0 + 70 * MIN + 5 * S);
    await tick(T0 + 70 * MIN + 30 * S);
    expect(hook.delivered).toHaveLength(5);
    const last = hook.delivered.slice(3).sort((a, b) => a.body.opd.localeCompare(b.body.opd));
    expect(last.map((r) => (r.body.alerts as { event: string; key: string }[]).map((a) => `${a.event} ${a.key}`).sort())).toEqual([
      ['repeat device_down:r3'],
      ['resolved device_down:r1', 'resolved device_down:r2'],
    ]);
    const resolvedText = tgTexts().find((t) => t.includes('pulih'))!;
    expect(resolvedText).toMatch(/^\[Pantau\] Dinas Kesehatan: 2 pulih\n/);
    expect(resolvedText).toContain('ditangani budi');
    expect(smtp.messages.map((m) => m.subject).sort()).toEqual([
      '[Pantau] Bappeda: 1 masalah',
      '[Pantau] Bappeda: 1 masalah',
      '[Pantau] Dinas Kesehatan: 2 masalah',
      '[Pantau] Dinas Kesehatan: 2 pulih',
      '[Pantau] Dinas Kesehatan: 3 masalah',
    ]);
    // Every delivery is in the audit trail: per alert, per notifier.
    expect(eventRows('notified')).toBe(3 * (3 + 1 + 2 + 1 + 2));
  });

  it('flapping input (up/down every poll) makes no storm: one alert, one firing message, hourly repeats, one resolved message', async () => {
    let t = T0;
    const obs = (active: boolean) =>
      c.alerting.engine.observe({ key: 'device_down:r1', kind: 'device_down', severity: 'critical', opd: 'dinkes', device: 'r1', summary: 'r1 tidak menjawab ping', active, at: t, forMs: 2 * MIN, clearMs: 5 * MIN });
    for (let i = 0; i < 120; i++, t += MIN) {
      c.clock.t = t;
      obs(i % 2 === 0);
      await tick(t);
    }
    expect(c.alerts.list('all')).toHaveLength(1);
    expect(eventRows('fired')).toBe(1);
    expect(hook.delivered).toHaveLength(2); // the alert (after ten polls: the flap detector's minimum), and its repeat an hour later
    expect(hookEvents(0)).toEqual(['firing device_down:r1']);
    expect(hook.delivered[0].body.alerts[0].details).toMatchObject({ flapping: true });
    expect(tgTexts()[0]).toContain('naik-turun');
    for (let i = 0; i < 30; i++, t += MIN) {
      c.clock.t = t;
      obs(false);
      await tick(t);
    }
    expect(eventRows('resolved')).toBe(1);
    // One alert, one firing message; repeats only hourly (flapping lasts into the steady phase); one resolved message.
    expect(hook.delivered.map((r) => r.body.alerts[0].event)).toEqual(['firing', 'repeat', 'repeat', 'resolved']);
    expect(hook.delivered.every((r) => r.body.alerts.length === 1)).toBe(true);
  });

  it('retries a failing webhook with backoff, then raises notifier_failing, which resolves when the webhook works again', async () => {
    hook.answer = { status: 500 };
    down('r1', 'dinkes', true, T0);
    await tick(T0 + 30 * S); // attempt 1
    await tick(T0 + 35 * S);
    expect(hook.requests).toHaveLength(1);
    await tick(T0 + 40 * S); // attempt 2, 10 s later
    await tick(T0 + 55 * S);
    expect(hook.requests).toHaveLength(2);
    expect(c.alerts.firing('notifier_failing:webhook')).toBeUndefined();
    await tick(T0 + 60 * S); // attempt 3, 20 s later: the last
    expect(hook.requests).toHaveLength(3);
    const failing = c.alerts.firing('notifier_failing:webhook')!;
    expect(failing).toMatchObject({ kind: 'notifier_failing', severity: 'warning' });
    expect(failing.summary).toContain('HTTP 500');
    expect(failing.summary).not.toContain('hook-secret');
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toContain('pantau_notify_failed_attempts_total{notifier="webhook"} 3');
    expect(metrics).toContain('pantau_notify_dropped_total{notifier="webhook"} 1');
    expect(metrics).toMatch(/pantau_notify_sent_total\{notifier="telegram"\} 1/);
    // The other notifiers tell the NOC about it.
    await tick(T0 + 90 * S);
    expect(tgTexts().at(-1)).toContain('Notifikasi webhook (webhook) terus gagal');
    // The webhook comes back: its queued message about itself goes out, and the alert resolves.
    hook.answer = { status: 200 };
    await tick(T0 + 100 * S);
    await tick(T0 + 5 * MIN);
    expect(c.alerts.firing('notifier_failing:webhook')).toBeUndefined();
    expect(hook.delivered.length).toBeGreaterThanOrEqual(1);
    expect(hook.delivered[0].body.alerts.map((a: { kind: string }) => a.kind)).toEqual(['notifier_failing']);
    expect(c.store.db.prepare("SELECT e.what FROM alert_event e JOIN alert a ON a.id = e.alert WHERE a.kind = 'notifier_failing' AND e.what IN ('fired', 'resolved') ORDER BY e.id").pluck().all()).toEqual(['fired', 'resolved']);
    expect(logs.join('')).toContain('notification failed; will retry');
  });

  it('never prints the bot token or a webhook header, in logs, errors or alerts', async () => {
    tg.answer = { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    down('r1', 'dinkes', true, T0);
    await tick(T0 + 30 * S);
    await tick(T0 + 40 * S);
    expect(tg.requests).toHaveLength(2);
    const failing = c.alerts.firing('notifier_failing:telegram')!;
    expect(failing.summary).toContain('HTTP 401: Unauthorized');
    await tg.close(); // and when the API cannot be reached at all
    try {
      down('r2', 'dinkes', true, T0 + 50 * S);
      await tick(T0 + 90 * S);
      await tick(T0 + 100 * S);
    } finally {
      tg = await startFakeTelegram(BOT_TOKEN);
    }
    const everything = logs.join('\n') + JSON.stringify(c.alerts.list('all')) + (await (await c.get('/api/v1/audit', OPERATOR_TOKEN)).text());
    expect(everything).toContain('notification failed; will retry');
    expect(everything).toContain('ECONNREFUSED');
    expect(everything).not.toContain('secret-bot-token');
    expect(everything).not.toContain('hook-secret');
  });
});

describe('silences', () => {
  it('suppress notifications of matching alerts (which still fire, marked silenced) and expire at their end', async () => {
    const created = await c.post('/api/v1/silences', { opd: 'dinkes', reason: 'Pemeliharaan jaringan Dinkes', start: T0, end: T0 + 2 * 3600_000 }, OPERATOR_TOKEN);
    expect(created.status).toBe(201);
    const silence = (await created.json()) as { id: number; createdBy: string };
    expect(silence.createdBy).toBe('budi');
    down('r1', 'dinkes', true, T0 + MIN);
    down('r3', 'bappeda', true, T0 + MIN);
    const alerts = (await (await c.get('/api/v1/alerts')).json()).alerts as { key: string; silenced?: boolean }[];
    expect(alerts.find((a) => a.key === 'device_down:r1')?.silenced).toBe(true);
    expect(alerts.find((a) => a.key === 'device_down:r3')?.silenced).toBeUndefined();
    for (let t = T0 + 2 * MIN; t < T0 + 120 * MIN; t += 10 * MIN) await tick(t);
    expect(hook.delivered.map((r) => r.body.opd)).toEqual(['bappeda', 'bappeda']); // bappeda and its repeat; nothing of dinkes
    // The window ends with r1 still down: it is notified now.
    await tick(T0 + 120 * MIN);
    expect(c.alerts.firing('device_down:r1')?.silenced).toBeUndefined();
    await tick(T0 + 120 * MIN + 30 * S);
    expect(hook.delivered.at(-1)!.body).toMatchObject({ opd: 'dinkes' });
    expect(hookEvents(hook.delivered.length - 1)).toEqual(['firing device_down:r1']);
    const list = (await (await c.get('/api/v1/silences')).json()).silences as unknown[];
    expect(list).toHaveLength(0); // over
    expect(((await (await c.get('/api/v1/silences?all=1')).json()).silences as { id: number }[]).map((s) => s.id)).toEqual([silence.id]);
  });

  it('a notified alert still gets its resolved message when it is silenced later; a never-notified silenced one gets none', async () => {
    down('r1', 'dinkes', true, T0);
    await tick(T0 + 30 * S);
    expect(hook.delivered).toHaveLength(1);
    c.clock.t = T0 + MIN;
    expect((await c.post('/api/v1/silences', { kind: 'device_down', reason: 'penggantian switch', end: T0 + 5 * 3600_000 }, OPERATOR_TOKEN)).status).toBe(201);
    expect(c.alerts.firing('device_down:r1')?.silenced).toBe(true);
    down('r2', 'dinkes', true, T0 + 2 * MIN); // silenced from the start
    await tick(T0 + 61 * MIN);
    await tick(T0 + 62 * MIN);
    expect(hook.delivered).toHaveLength(1); // no repeat while silenced
    down('r1', 'dinkes', false, T0 + 70 * MIN);
    down('r2', 'dinkes', false, T0 + 70 * MIN);
    await tick(T0 + 71 * MIN);
    expect(hook.delivered).toHaveLength(2);
    expect(hookEvents(1)).toEqual(['resolved device_down:r1']);
    expect(tgTexts()).toHaveLength(2);
    expect(smtp.messages).toHaveLength(2);
  });

  it('are created and deleted by operators only, validated field by field, and deleting one ends it at once', async () => {
    const bad = async (body: unknown) => {
      const r = await c.post('/api/v1/silences', body, OPERATOR_TOKEN);
      expect(r.status).toBe(400);
      return ((await r.json()) as { path: string }).path;
    };
    expect(await bad({ reason: 'x', end: T0 + MIN })).toBe('opd');
    expect(await bad({ opd: 'nope', reason: 'x', end: T0 + MIN })).toBe('opd');
    expect(await bad({ device: 'r1', end: T0 + MIN })).toBe('reason');
    expect(await bad({ device: 'r1', reason: 'x', end: 'tomorrow' })).toBe('end');
    expect(await bad({ device: 'r1', reason: 'x', start: T0, end: T0 - MIN })).toBe('end');
    expect(await bad({ device: 'r1', reason: 'x', end: T0 + MIN, extra: 1 })).toBe('extra');
    expect((await c.post('/api/v1/silences', { device: 'r1', reason: 'x', end: T0 + MIN })).status).toBe(403); // an agent token
    expect((await c.post('/api/v1/silences', { device: 'r1', reason: 'x', end: T0 + MIN }, 'viewer-token-test-00001')).status).toBe(403);
    const ok = await c.post('/api/v1/silences', { device: 'r1', reason: 'ganti kabel', start: '2026-11-16T10:00:00+07:00', end: '2026-11-16T12:00:00+07:00' }, OPERATOR_TOKEN);
    expect(ok.status).toBe(201);
    const s = (await ok.json()) as { id: number; start: number; end: number };
    expect([s.start, s.end]).toEqual([T0, T0 + 2 * 3600_000]);
    down('r1', 'dinkes', true, T0 + MIN);
    expect(c.alerts.firing('device_down:r1')?.silenced).toBe(true);
    c.clock.t = T0 + 2 * MIN;
    const del = await fetch(`${c.url}/api/v1/silences/${s.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ id: s.id, deletedBy: 'budi', deletedAt: T0 + 2 * MIN });
    expect(c.alerts.firing('device_down:r1')?.silenced).toBeUndefined();
    const again = await fetch(`${c.url}/api/v1/silences/${s.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(again.status).toBe(404);
  });
});

describe('audit', () => {
  it('holds every change with who and when: fired, notified, acked, silenced, escalated, resolved, silence created and deleted', async () => {
    down('r1', 'dinkes', true, T0);
    await tick(T0 + 30 * S);
    c.clock.t = T0 + MIN;
    const a = c.alerts.firing('device_down:r1')!;
    await c.post(`/api/v1/alerts/${a.id}/ack`, { note: 'sedang dicek' }, OPERATOR_TOKEN);
    c.clock.t = T0 + 2 * MIN;
    const s = (await (await c.post('/api/v1/silences', { device: 'r1', reason: 'perbaikan', end: T0 + 3600_000 }, OPERATOR_TOKEN)).json()) as { id: number };
    c.clock.t = T0 + 3 * MIN;
    await fetch(`${c.url}/api/v1/silences/${s.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    c.clock.t = T0 + 4 * MIN;
    c.alerting.engine.observe({ key: 'bandwidth_quota:dinkes:2026-11', kind: 'bandwidth_quota', severity: 'warning', opd: 'dinkes', summary: '80 %', active: true, at: T0 + 4 * MIN });
    c.alerting.engine.observe({ key: 'bandwidth_quota:dinkes:2026-11', kind: 'bandwidth_quota', severity: 'critical', opd: 'dinkes', summary: '100 %', active: true, at: T0 + 5 * MIN });
    down('r1', 'dinkes', false, T0 + 6 * MIN);
    expect((await c.get('/api/v1/audit')).status).toBe(403); // a viewer
    const r = await c.get('/api/v1/audit', OPERATOR_TOKEN);
    expect(r.status).toBe(200);
    const events = ((await r.json()) as { events: { ts: number; what: string; who: string; key?: string; note?: string; silence?: number }[] }).events;
    const line = (e: (typeof events)[number]) => `${e.ts - T0} ${e.what} ${e.who}${e.key ? ' ' + e.key : ''}${e.silence ? ' #' + e.silence : ''}`;
    // The three notifiers deliver concurrently: their order at one instant is not fixed.
    const lines = events.map(line).reverse();
    expect(lines.slice(1, 4).sort()).toEqual(['30000 notified email device_down:r1', '30000 notified telegram device_down:r1', '30000 notified webhook device_down:r1']);
    expect([lines[0], ...lines.slice(4)]).toEqual([
      '0 fired pantau device_down:r1',
      '60000 acked budi device_down:r1',
      `120000 silence_created budi #${s.id}`,
      '120000 silenced pantau device_down:r1',
      `180000 silence_deleted budi #${s.id}`,
      '180000 unsilenced pantau device_down:r1',
      '240000 fired pantau bandwidth_quota:dinkes:2026-11',
      '300000 escalated pantau bandwidth_quota:dinkes:2026-11',
      '360000 resolved pantau device_down:r1',
    ]);
    expect(events.find((e) => e.what === 'acked')?.note).toBe('sedang dicek');
    const since = await c.get(`/api/v1/audit?from=${T0 + 5 * MIN}`, OPERATOR_TOKEN);
    expect(((await since.json()) as { events: unknown[] }).events).toHaveLength(2);
  });
});
