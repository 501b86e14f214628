// Where `pantau demo` listens: --listen when given (a busy address is said in one line), else
// 127.0.0.1:8080, or any free port when 8080 is taken (a first try should just run).
import { createServer } from 'node:net';
import { parseListen } from '../collector/main.js';
import { CommandError, UsageError } from './errors.js';

export const DEMO_LISTEN = '127.0.0.1:8080';

/** Null when the address can be listened on, else the system's error code (EADDRINUSE, EACCES, ...). */
export function listenProblem(host: string, port: number): Promise<string | null> {
  const s = createServer();
  return new Promise((resolve) => {
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'EUNKNOWN'));
    s.listen(port, host, () => s.close(() => resolve(null)));
  });
}

export function busyMessage(listen: string, code: string): string {
  const what = code === 'EADDRINUSE' ? 'is in use (another pantau demo or collector?)' : `cannot be listened on (${code})`;
  return `${listen} ${what}; choose another address with --listen, e.g. --listen 127.0.0.1:8090, or --listen 127.0.0.1:0 for any free port`;
}

export async function chooseListen(given: string | undefined): Promise<{ listen: string; note?: string }> {
  const listen = given ?? DEMO_LISTEN;
  let addr: { host: string; port: number };
  try {
    addr = parseListen(listen);
  } catch {
    throw new UsageError(`--listen: expected HOST:PORT such as 127.0.0.1:8080, found "${listen}"`);
  }
  if (addr.port === 0) return { listen };
  const problem = await listenProblem(addr.host, addr.port);
  if (!problem) return { listen };
  if (given === undefined && problem === 'EADDRINUSE')
    return { listen: `${addr.host}:0`, note: `${listen} is in use; listening on a free port instead (choose one with --listen)` };
  throw new CommandError(busyMessage(listen, problem), 1);
}
