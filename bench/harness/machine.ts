// The machine a benchmark ran on, from /proc (CPU model, cores, RAM, kernel) and the Node version,
// recorded beside every result so figures from different runs are never read as one.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  node: string;
}

const read = (f: string) => {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
};

export function machine(): Machine {
  const cpuinfo = read('/proc/cpuinfo');
  const kB = Number(/^MemTotal:\s+(\d+) kB/m.exec(read('/proc/meminfo'))?.[1] ?? NaN);
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? 'unknown',
    cores: availableParallelism(),
    ramGiB: Math.round((kB / 1024 / 1024) * 10) / 10,
    kernel: read('/proc/sys/kernel/osrelease').trim() || 'unknown',
    node: process.version,
  };
}

export const describeMachine = (m: Machine) => `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Linux ${m.kernel}, Node.js ${m.node}`;

/** The 1-minute load average (/proc/loadavg): a figure taken while other work ran is not one to quote. */
export function loadAverage(): number {
  return Number(read('/proc/loadavg').split(' ')[0]);
}
