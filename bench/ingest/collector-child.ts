// A Pantau collector in its own process for the ingest and storage benchmarks, so that it gets
// a core and an event loop of its own as influxd does. argv[2]: JSON {sqlite, devices, agent, token,
// ports?, intervalSeconds?, v3?}: with `ports`, device i is polled over SNMP at 127.0.0.1:ports[i].
// Prints one JSON line {url} when listening; SIGTERM stops it cleanly (store checkpointed, closed).
import { collectorSchema } from '../../config/collector.js';
import { startCollector } from '../../collector/main.js';
import { silentLogger } from '../../log/logger.js';
import { deviceId } from './samples.js';

import type { CollectorChildOptions } from './pantau-side.js';

const o = JSON.parse(process.argv[2]) as CollectorChildOptions;
const ids = Array.from({ length: o.devices }, (_, d) => deviceId(d));
const config = collectorSchema.parse({
  listen: '127.0.0.1:0',
  store: { sqlite: o.sqlite },
  agents: [{ id: o.agent, token: o.token, poll: ids, intervalSeconds: o.intervalSeconds ?? 60 }],
  opds: [{ id: 'bench', name: 'Benchmark OPD' }],
  devices: ids.map((id, i) => ({
    id,
    opd: 'bench',
    kind: 'router',
    address: '127.0.0.1',
    ping: false,
    snmp: o.v3
      ? { version: '3', user: o.v3.user, authProtocol: 'sha', authKey: o.v3.authKey, privProtocol: 'aes', privKey: o.v3.privKey, port: o.ports?.[i] ?? 161 }
      : { version: '2c', community: 'public', port: o.ports?.[i] ?? 161 },
  })),
});
const collector = await startCollector(config, { logger: silentLogger(), listen: '127.0.0.1:0' });
process.stdout.write(`${JSON.stringify({ url: collector.url })}\n`);
process.once('SIGTERM', () => {
  void collector.stop().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`collector stop failed: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
});
