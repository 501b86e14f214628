// One pino root logger per process; components take child loggers carrying
// {component, agent, device}. Secrets (tokens, communities, keys) are redacted, also as a
// `token=` query parameter in a logged URL. A child's binding replaces its parent's binding of
// the same key (pino alone would write `"component"` twice: the collector's and the influx
// mirror's), so no key appears twice in a line.
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
  'headers.cookie',
  'req.headers.cookie',
];

/** `?token=…` (the dashboard's and the WebSocket's way of passing a token) with the value hidden. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token)=)[^&#]*/gi, '$1[redacted]');
}

export function createLogger(opts: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  const level = opts.level ?? process.env.PANTAU_LOG_LEVEL ?? 'info';
  const bare = pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { log: (o) => (typeof o.url === 'string' ? { ...o, url: redactUrl(o.url) } : o) },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: false }),
  );
  return uniqueBindings(bare.child({ name: opts.name ?? 'pantau' }), bare);
}

/**
 * Makes `logger.child(b)` replace the parent's bindings that `b` sets again: such a child is
 * made from `bare` (no bindings but pid and hostname) with the merged bindings, at the
 * parent's level. Children without a clash are pino's own children.
 */
function uniqueBindings(logger: Logger, bare: Logger): Logger {
  // pino's own child(), not one inherited from a patched parent (pino children are made with
  // Object.create(parent), so they see their parent's properties).
  const pinoChild = bare.child as unknown as (this: Logger, b: pino.Bindings, o?: pino.ChildLoggerOptions) => Logger;
  let keys: Set<string> | undefined;
  logger.child = ((bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => {
    keys ??= new Set(Object.keys(logger.bindings()));
    const clash = Object.keys(bindings).some((k) => keys!.has(k));
    const c = clash ? bare.child({ ...logger.bindings(), ...bindings }, { level: logger.level, ...options }) : pinoChild.call(logger, bindings, options);
    return uniqueBindings(c, bare);
  }) as unknown as Logger['child'];
  return logger;
}

/** A logger that discards everything, for tests and benchmarks that do not read logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
