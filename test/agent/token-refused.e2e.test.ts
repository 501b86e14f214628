// An agent whose token the real collector refuses says so ("token refused (401)"), keeps its
// batches, and never writes the token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/main.js';
import { Spool } from '../../agent/spool/spool.js';
import { Outbox } from '../../agent/transport/outbox.js';
import { Sender } from '../../agent/transport/sender.js';
import { createLogger } from '../../log/logger.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { captureLog } from '../log/capture.js';

const WRONG = 'agent-token-nobody-knows-77';
let c: TestCollector;
let dir: string;
beforeAll(async () => {
  c = await startTestCollector();
  dir = mkdtempSync(join(tmpdir(), 'pantau-refused-'));
});
afterAll(async () => {
  await c?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('an agent with a token the collector refuses', () => {
  it('says "token refused (401)" when asking for its assignment, not "collector unreachable"', async () => {
    const cap = captureLog();
    const agent = await startAgent(
      { id: 'a1', collector: c.url, token: WRONG, spool: join(dir, 'agent'), spoolMaxMB: 8, backupWatch: [] },
      { logger: createLogger({ destination: cap.destination }), ping: false, host: false },
    );
    try {
      const line = JSON.parse(await cap.waitFor(/token refused/)) as { msg: string; component: string };
      expect(line.msg).toBe('token refused (401) and no cached assignment: host metrics only until it answers');
      expect(line.component).toBe('assignment');
      expect(cap.lines().join('\n')).not.toMatch(/unreachable/);
      expect(cap.lines().join('\n')).not.toContain(WRONG);
    } finally {
      await agent.stop();
    }
  });

  it('keeps the batch in the spool and says "token refused (401)" when sending', async () => {
    const cap = captureLog();
    const logger = createLogger({ destination: cap.destination });
    const spool = await Spool.open({ dir: join(dir, 'outbox'), maxBytes: 1 << 20, logger });
    const outbox = new Outbox({ sender: new Sender({ collector: c.url, token: WRONG, logger, maxBodyBytes: () => 1 << 20 }), spool, logger });
    const ts = Date.now() - 60_000;
    await outbox.submit({ agent: 'a1', batch: 'refused-1', samples: [{ type: 'ping', device: 'r1', ts, up: true }] }, 'samples');
    await outbox.stop();
    const line = JSON.parse(await cap.waitFor(/token refused/)) as { msg: string; reason: string; component: string };
    expect(line.component).toBe('outbox');
    expect(line.msg).toBe("token refused (401): the collector does not accept this agent's token; spooling and retrying later");
    expect(line.reason).toMatch(/^token refused \(401\): .*check the token in the agent's config/);
    expect(spool.stats()).toMatchObject({ batches: 1 });
    expect(cap.lines().join('\n')).not.toContain(WRONG);
  });
});
