// The alerting keys of the collector config: `via` and `notify`, validated with messages that
// name the key path, never printing a secret; the documented example parses when uncommented.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCollectorConfig } from '../../config/collector.js';
import { notifierName } from '../../collector/alerts/notifiers/index.js';
import { EXAMPLE_ENV } from '../helpers/cli.js';

const base = (devices: string, extra = '') => `
opds: [ { id: dinkes, name: Dinas Kesehatan } ]
devices:
${devices}
${extra}`;
const DEVICES = `  - { id: rtr, opd: dinkes, kind: router, address: 10.0.0.1 }
  - { id: srv, opd: dinkes, kind: server, address: 10.0.0.2, via: rtr }`;

function problems(text: string): string {
  try {
    parseCollectorConfig('c.yaml', text);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('config: via and notify', () => {
  it('accepts a device behind another and the three notifiers with their defaults', () => {
    const cfg = parseCollectorConfig(
      'c.yaml',
      base(
        DEVICES,
        `report: { smtp: { host: 127.0.0.1, from: noc@example.go.id } }
notify:
  - { type: webhook, url: "http://127.0.0.1:9/hook" }
  - { type: telegram, botToken: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", chatId: -100123 }
  - { type: email, to: [ noc@example.go.id ], language: en, groupWaitSeconds: 0 }`,
      ),
    );
    expect(cfg.devices[1].via).toBe('rtr');
    expect(cfg.notify[0]).toMatchObject({ type: 'webhook', headers: {}, groupWaitSeconds: 30, repeatMinutes: 60, maxAttempts: 5, retrySeconds: 10 });
    expect(cfg.notify[1]).toMatchObject({ type: 'telegram', apiUrl: 'https://api.telegram.org' });
    expect(cfg.notify[2]).toMatchObject({ language: 'en', groupWaitSeconds: 0 });
    expect(cfg.notify.map((_, i) => notifierName(cfg.notify, i))).toEqual(['webhook', 'telegram', 'email']);
  });

  it('names a via to an unknown device, and a via loop', () => {
    expect(problems(base(`  - { id: srv, opd: dinkes, kind: server, address: 10.0.0.2, via: rtr-x }`))).toMatch(/devices\[0\]\.via: expected the id of a device defined under devices, found "rtr-x"/);
    expect(problems(base(`  - { id: a, opd: dinkes, kind: server, address: 10.0.0.2, via: b }
  - { id: b, opd: dinkes, kind: server, address: 10.0.0.3, via: a }`))).toMatch(/devices\[0\]\.via: "a" stands behind itself through a → b → a/);
  });

  it('names bad notifier settings by key path and never prints the bot token', () => {
    const m = problems(
      base(
        DEVICES,
        `notify:
  - { type: telegram, botToken: "rahasia-sekali", chatId: "grup noc" }
  - { type: email, to: [ noc@example.go.id ] }
  - { type: webhook, url: "ftp://x" }
  - { type: pager }`,
      ),
    );
    expect(m).toMatch(/notify\[0\]\.botToken: expected a bot token such as 123456:ABC-DEF/);
    expect(m).toMatch(/notify\[0\]\.chatId/);
    expect(m).toMatch(/notify\[2\]\.url/);
    expect(m).toMatch(/notify\[3\]/);
    expect(m).not.toContain('rahasia-sekali');
    expect(problems(base(DEVICES, `notify: [ { type: email, to: [ noc@example.go.id ] } ]`))).toMatch(/notify\[0\]: an email notifier sends through report\.smtp; expected report\.smtp/);
  });

  it('the example of config/examples/collector.yaml, uncommented, is valid', () => {
    const text = readFileSync('config/examples/collector.yaml', 'utf8');
    const block = text.slice(text.indexOf('# notify:')).replace(/^# ?/gm, '');
    const withNotify = text.slice(0, text.indexOf('# notify:')) + block;
    const env = { ...EXAMPLE_ENV, PANTAU_WEBHOOK_TOKEN: 'hook-token-0123456789', PANTAU_TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' };
    const cfg = parseCollectorConfig('config/examples/collector.yaml', withNotify, { env });
    expect(cfg.notify.map((n) => n.type)).toEqual(['webhook', 'telegram', 'email']);
    expect(cfg.devices.find((d) => d.id === 'srv-dinkes-app')?.via).toBe('rtr-dinkes');
  });
});
