// Starts a real collector (in this process) on a loopback port with a store in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCollectorConfig, type CollectorConfig } from '../../config/collector.js';
import { startCollector, type Collector, type CollectorOptions } from '../../collector/main.js';
import { silentLogger } from '../../log/logger.js';

export const AGENT_TOKEN = 'agent-token-test-000001';
export const OTHER_AGENT_TOKEN = 'agent-token-test-000002';
export const VIEWER_TOKEN = 'viewer-token-test-00001';
export const OPERATOR_TOKEN = 'operator-token-test-001';

/** The start of every test config: zone, loopback listen, the store, a viewer (wall) and an operator (budi). */
export function testConfigHead(sqlite: string): string {
  return `timezone: Asia/Jakarta
listen: 127.0.0.1:0
store: { sqlite: ${JSON.stringify(sqlite)} }
auth:
  users:
    - { name: wall, role: viewer, token: ${VIEWER_TOKEN} }
    - { name: budi, role: operator, token: ${OPERATOR_TOKEN} }
`;
}

/** A small deployment: two OPDs, three routers, two agents; `extra` YAML is appended. */
export function testConfigYaml(sqlite: string, extra = ''): string {
  return `
${testConfigHead(sqlite)}agents:
  - { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [r1, r2] }
  - { id: a2, token: ${OTHER_AGENT_TOKEN}, intervalSeconds: 60, poll: [r3] }
opds:
  - { id: dinkes, name: Dinas Kesehatan, quota: { volumeGB: 100, rateMbps: 100 }, uplinks: [ { device: r1, interface: ether1 } ] }
  - { id: bappeda, name: Bappeda, quota: { rateMbps: 50 }, uplinks: [ { device: r3, interface: ether1 } ] }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: 16161 } }
  - { id: r2, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: 16162 } }
  - { id: r3, opd: bappeda, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: 16163 } }
${extra}`;
}

export interface TestCollector extends Collector {
  dir: string;
  cleanup(): Promise<void>;
  post(path: string, body: unknown, token?: string, headers?: Record<string, string>): Promise<Response>;
  get(path: string, token?: string): Promise<Response>;
}

/**
 * A collector without background timers unless `opts.background` says otherwise: the test drives
 * the rollup, the rules and pruning itself (on `opts.now`, real time by default), so nothing
 * evaluates at real time behind its back.
 */
export async function startTestCollector(yaml?: (sqlite: string) => string, opts: Pick<CollectorOptions, 'now' | 'background' | 'stream' | 'providers' | 'listen' | 'logger' | 'ingestMerge' | 'ingestWorkers'> & { sqlite?: string } = {}): Promise<TestCollector> {
  // `sqlite`: an existing store (a restart of a collector on the same store).
  const dir = mkdtempSync(join(tmpdir(), 'pantau-test-'));
  const sqlite = opts.sqlite ?? join(dir, 'pantau.db');
  const cfg: CollectorConfig = parseCollectorConfig('test.yaml', (yaml ?? testConfigYaml)(sqlite));
  const { sqlite: _store, ...rest } = opts;
  // Bodies are parsed in-thread unless a test asks for the worker pool (`ingestWorkers`).
  const c = await startCollector(cfg, { logger: silentLogger(), background: false, ingestWorkers: 0, ...rest });
  return {
    ...c,
    dir,
    async cleanup() {
      await c.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    post(path, body, token = AGENT_TOKEN, headers = {}) {
      return fetch(c.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body),
      });
    },
    get(path, token = VIEWER_TOKEN) {
      return fetch(c.url + path, { headers: { authorization: `Bearer ${token}` } });
    },
  };
}
