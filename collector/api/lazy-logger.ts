// A request's logger made only when the request logs something. Fastify gives every request a
// pino child (its reqId bound); with request logging off most requests never log, and making
// the child (bindings, redaction) was ~3 % of the collector's thread under many small ingest
// requests (issue 12). The child is the same one, made on first use.
import type { FastifyBaseLogger } from 'fastify';

type Bindings = Record<string, unknown>;

export class LazyLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly opts: object,
  ) {}

  private get real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.opts));
  }

  get level(): string {
    return this.made ? this.made.level : this.parent.level;
  }
  set level(v: string) {
    this.real.level = v;
  }
  child(bindings: Bindings, opts?: object): FastifyBaseLogger {
    return this.real.child(bindings, opts);
  }
  fatal(...a: unknown[]): void {
    (this.real.fatal as (...x: unknown[]) => void)(...a);
  }
  error(...a: unknown[]): void {
    (this.real.error as (...x: unknown[]) => void)(...a);
  }
  warn(...a: unknown[]): void {
    (this.real.warn as (...x: unknown[]) => void)(...a);
  }
  info(...a: unknown[]): void {
    (this.real.info as (...x: unknown[]) => void)(...a);
  }
  debug(...a: unknown[]): void {
    (this.real.debug as (...x: unknown[]) => void)(...a);
  }
  trace(...a: unknown[]): void {
    (this.real.trace as (...x: unknown[]) => void)(...a);
  }
  silent(...a: unknown[]): void {
    (this.real.silent as (...x: unknown[]) => void)(...a);
  }
  isLevelEnabled(level: string): boolean {
    const l = (this.made ?? this.parent) as { isLevelEnabled?: (x: string) => boolean };
    return l.isLevelEnabled ? l.isLevelEnabled(level) : true;
  }
}

/** Fastify's childLoggerFactory: the request's child logger, made lazily. */
export function lazyChildLogger(this: unknown, logger: FastifyBaseLogger, bindings: Bindings, opts: object): FastifyBaseLogger {
  // A route's own log level: made now, so its level is the child's from the start.
  if ((opts as { level?: string }).level !== undefined) return logger.child(bindings, opts);
  return new LazyLogger(logger, bindings, opts) as unknown as FastifyBaseLogger;
}
