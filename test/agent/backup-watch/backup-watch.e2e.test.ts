// backupWatch end to end: the real agent watches a temp folder and reports into the real
// collector (in this process); the rows land in the store's backup_run with size, SHA-256 and,
// for a truncated archive, the reason. A restarted agent reports nothing twice.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../../agent/main.js';
import type { AgentConfig } from '../../../config/agent.js';
import { silentLogger } from '../../../log/logger.js';
import { AGENT_TOKEN, VIEWER_TOKEN, startTestCollector, type TestCollector } from '../../helpers/collector.js';
import { until } from '../../helpers/processes.js';
import { sha256, tarGz, truncate } from './archives.js';

let c: TestCollector;
let dir: string;

beforeAll(async () => {
  c = await startTestCollector(
    (sqlite) => `
timezone: Asia/Jakarta
listen: 127.0.0.1:0
store: { sqlite: ${JSON.stringify(sqlite)} }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} } ] }
agents: [ { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [srv-dinkes] } ]
opds:
  - { id: dinkes, name: Dinas Kesehatan, backup: { schedule: "0 1 * * *", graceMinutes: 240, minBytes: 1000 } }
devices:
  - { id: srv-dinkes, opd: dinkes, kind: server, address: 127.0.0.1, ping: false }
`,
  );
  dir = mkdtempSync(join(tmpdir(), 'pantau-bke2e-'));
});
afterAll(async () => {
  await c?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const land = () => join(dir, 'backup', 'dinkes');
const config = (): AgentConfig => ({
  id: 'a1',
  collector: c.url,
  token: AGENT_TOKEN,
  spool: join(dir, 'spool'),
  spoolMaxMB: 16,
  backupWatch: [{ opd: 'dinkes', glob: join(land(), '*.tar.gz') }],
  backupWatchMaxMBps: 20,
});
const agent = () => startAgent(config(), { logger: silentLogger(), ping: false, host: false, backupWatch: { settleMs: 0, scanEveryMs: 100 } });
const runs = () =>
  c.store.db.prepare('SELECT opd, ts, phase, ok, bytes, path, sha256, reason, source FROM backup_run ORDER BY path').all() as Record<string, unknown>[];

/** A tar.gz made by GNU tar, placed in the landing folder as `name`. */
function landArchive(name: string): string {
  const work = mkdtempSync(join(dir, 'work-'));
  mkdirSync(land(), { recursive: true });
  copyFileSync(tarGz(work), join(land(), name));
  return join(land(), name);
}

describe('backupWatch into the collector', () => {
  it('stores a good backup and a truncated one, each once, also after the agent restarts', async () => {
    const good = landArchive('dinkes-2026-12-01.tar.gz');
    const bad = landArchive('dinkes-2026-12-02.tar.gz');
    truncate(bad, 2048);
    const a = await agent();
    try {
      await until(() => (runs().length === 2 ? true : undefined), 60_000, 'two backup runs in the store');
    } finally {
      await a.stop();
    }
    expect(runs()).toEqual([
      { opd: 'dinkes', ts: Math.round(statSync(good).mtimeMs), phase: 'end', ok: 1, bytes: String(statSync(good).size), path: good, sha256: sha256(good), reason: null, source: 'agent:a1' },
      { opd: 'dinkes', ts: Math.round(statSync(bad).mtimeMs), phase: 'end', ok: 0, bytes: '2048', path: bad, sha256: sha256(bad), reason: 'gzip: unexpected end of file at byte 2048 (truncated)', source: 'agent:a1' },
    ]);

    // Restarted: the two are remembered. A new file, older than both (so checked after them in
    // the same scan, and delivered after them), lands; once it is stored, nothing else came again.
    const later = landArchive('dinkes-2026-11-30.tar.gz');
    const past = new Date(Date.now() - 3600_000);
    utimesSync(later, past, past);
    const b = await agent();
    try {
      await until(() => (runs().length >= 3 ? true : undefined), 60_000, 'the third backup run');
    } finally {
      await b.stop();
    }
    expect(runs().map((r) => [r.path, r.ok])).toEqual([
      [later, 1],
      [good, 1],
      [bad, 0],
    ]);
  }, 120_000);
});
