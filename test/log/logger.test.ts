// What the logs say to an operator: every key once per line, no secret in them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCollectorConfig } from '../../config/collector.js';
import { startCollector } from '../../collector/main.js';
import { createLogger } from '../../log/logger.js';
import { AGENT_TOKEN, testConfigYaml } from '../helpers/collector.js';
import { freeTcpPort } from '../helpers/processes.js';
import { captureLog, duplicateKeys } from './capture.js';

describe('logger', () => {
  it('writes a key once when a child sets it again: the child\'s value replaces the parent\'s', () => {
    const cap = captureLog();
    const log = createLogger({ destination: cap.destination, level: 'debug' });
    const collector = log.child({ component: 'collector' });
    collector.child({ component: 'influx' }).warn('a');
    collector.child({ device: 'r1' }).child({ device: 'r2' }).info('b');
    expect(cap.lines()).toHaveLength(2);
    for (const l of cap.lines()) expect(duplicateKeys(l)).toEqual([]);
    expect(JSON.parse(cap.lines()[0])).toMatchObject({ name: 'pantau', component: 'influx', msg: 'a' });
    expect(JSON.parse(cap.lines()[1])).toMatchObject({ component: 'collector', device: 'r2', msg: 'b' });
  });

  it('keeps the parent\'s level in a child that replaces a binding', () => {
    const cap = captureLog();
    const log = createLogger({ destination: cap.destination, level: 'warn' }).child({ component: 'collector' });
    log.child({ component: 'influx' }).info('not written');
    expect(cap.lines()).toEqual([]);
  });

  it('hides a token passed in a logged URL\'s query', () => {
    const cap = captureLog();
    createLogger({ destination: cap.destination }).warn({ url: '/api/v1/stream?token=rahasia-sekali-123&x=1' }, 'refused');
    expect(cap.lines()[0]).not.toContain('rahasia');
    expect(JSON.parse(cap.lines()[0]).url).toBe('/api/v1/stream?token=[redacted]&x=1');
  });

  it('writes each key once in a collector\'s lines (collector, http and central-mirror components) and no token', async () => {
    const cap = captureLog();
    const dir = mkdtempSync(join(tmpdir(), 'pantau-log-'));
    const influx = `store: { sqlite: ${JSON.stringify(join(dir, 'p.db'))}, influx: { url: "http://127.0.0.1:${await freeTcpPort()}", database: pantau } }`;
    const yaml = testConfigYaml(join(dir, 'p.db')).replace(/^store: .*$/m, influx);
    const c = await startCollector(parseCollectorConfig('log.yaml', yaml), { logger: createLogger({ destination: cap.destination }) });
    try {
      await cap.waitFor(/"component":"collector".*collector listening/);
      const wrong = 'viewer-token-that-is-wrong-42';
      expect((await fetch(`${c.url}/api/v1/status?token=${wrong}`, { headers: { authorization: `Bearer ${wrong}` } })).status).toBe(401);
      const samples = [0, 1].map((k) => ({ type: 'iface', device: 'r1', interface: 'ether1', ts: Date.now() - 600_000 + k * 300_000, inOctets: String(1000 + k * 1e9), outOctets: '5', bits: 64 }));
      const res = await fetch(`${c.url}/api/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` },
        body: JSON.stringify({ agent: 'a1', batch: 'log-1', samples }),
      });
      expect(res.status).toBe(200);
      await cap.waitFor(/"component":"central-mirror".*central-store write failed/);
      const lines = cap.lines();
      // The refused request is logged by the http component, its URL's token hidden.
      expect(lines.some((l) => l.includes('"component":"http"') && l.includes('"url":"/api/v1/status?token=[redacted]"'))).toBe(true);
      for (const l of lines) expect(duplicateKeys(l), l).toEqual([]);
      expect(lines.join('\n')).not.toContain(wrong);
      expect(lines.join('\n')).not.toContain(AGENT_TOKEN);
    } finally {
      await c.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
