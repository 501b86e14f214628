// One pino root logger per process; components take child loggers carrying
// {component, agent, device}. Secrets (tokens, communities, keys) are redacted.
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'token',
  '*.token',
  'community',
  '*.community',
  '*.authKey',
  '*.privKey',
  'authKey',
  'privKey',
  'password',
  '*.password',
  'headers.authorization',
  'req.headers.authorization',
];

export function createLogger(opts: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  const level = opts.level ?? process.env.PANTAU_LOG_LEVEL ?? 'info';
  return pino(
    { name: opts.name ?? 'pantau', level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    opts.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that discards everything, for tests and benchmarks that do not read logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
