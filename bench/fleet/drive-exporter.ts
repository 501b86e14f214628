// Fleet driver (b): scrapes Prometheus snmp_exporter (running in the same namespace) the way a
// Prometheus server would, `concurrency` targets at a time over keep-alive HTTP. The exporter's
// own snmp_scrape_duration_seconds is taken as its per-device poll time.
import http from 'node:http';
import { driverMain, parseArgs, type DevicePoll } from './cycle.js';

const args = parseArgs();
const exporter = new URL(String(args.exporter));
const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency });

const get = (path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.get({ host: exporter.hostname, port: exporter.port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(30000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
  });

async function poll(port: number): Promise<DevicePoll> {
  const r = await get(`/snmp?module=bench&target=127.0.0.1:${port}`);
  if (r.status !== 200) return { ok: false, values: 0, error: `HTTP ${r.status}: ${r.body.slice(0, 200)}` };
  let values = 0;
  let toolMs: number | undefined;
  for (const line of r.body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('snmp_scrape_duration_seconds ')) toolMs = Number(line.split(' ')[1]) * 1000;
    else if (!line.startsWith('snmp_scrape_')) values++;
  }
  return { ok: values > 0, values, toolMs, error: values ? undefined : 'no metrics' };
}

// The exporter was started just before us: wait (at most 20 s) until it answers.
for (let i = 0; ; i++) {
  try {
    if ((await get('/')).status === 200) break;
  } catch (e) {
    if (i >= 100) throw e;
  }
  await new Promise((r) => setTimeout(r, 200));
}
await driverMain(args, poll);
agent.destroy();
