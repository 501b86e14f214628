// Fleet driver (a): net-snmp's snmpbulkwalk, one process per column and router (ifName,
// ifHCInOctets, ifHCOutOctets, ifOperStatus, ifHighSpeed) plus one snmpget of sysUpTime,
// the six run one after the other per router, `concurrency` routers at a time.
import { execFile } from 'node:child_process';
import { driverMain, parseArgs, type DevicePoll } from './cycle.js';

const COLUMNS = ['1.3.6.1.2.1.31.1.1.1.1', '1.3.6.1.2.1.31.1.1.1.6', '1.3.6.1.2.1.31.1.1.1.10', '1.3.6.1.2.1.2.2.1.8', '1.3.6.1.2.1.31.1.1.1.15'];
const args = parseArgs();
const maxRep = String(args.maxRepetitions ?? 25);
const env = { ...process.env, MIBS: '' };

const run = (cmd: string, a: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(cmd, a, { env, timeout: 30000 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd}: ${stderr || err.message}`.trim())) : resolve(stdout))),
  );
const lines = (s: string) => (s.trim() ? s.trim().split('\n').length : 0);

async function poll(port: number): Promise<DevicePoll> {
  const target = `127.0.0.1:${port}`;
  let values = lines(await run('snmpget', ['-v2c', '-c', 'public', '-t', '3', '-r', '1', '-Oqn', target, '1.3.6.1.2.1.1.3.0']));
  for (const oid of COLUMNS) values += lines(await run('snmpbulkwalk', ['-v2c', '-c', 'public', '-t', '3', '-r', '1', `-Cr${maxRep}`, '-Oqn', target, oid]));
  return { ok: true, values };
}

await driverMain(args, poll, () => ({ processesPerRouter: COLUMNS.length + 1, maxRepetitions: maxRep }));
