// The one place that knows which SQLite engine is under the store (issue 13).
//
// better-sqlite3 12 derives Statement and Database from node::ObjectWrap; Node 24.19 added a
// cleanup hook to ObjectWrap, so a handle finalised by the garbage collector aborts the process
// (SIGABRT in RemoveEnvironmentCleanupHook). better-sqlite3 13 is a Node-API module that fixes
// it and ships prebuilt binaries in its package, but it needs Node 22 and crashes on Node 20.
// So both are installed: `better-sqlite3` (13) for Node 22 and newer, and
// `better-sqlite3-node20` (an npm alias of 12, an optional dependency built from source, or
// from a prebuilt binary when the machine is online) for Node 20. Both have the same API;
// nothing outside this file knows which one runs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;
export type Statement<P extends unknown[] | {} = unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;
export type Transaction<F extends (...args: any[]) => unknown> = BetterSqlite3.Transaction<F>;
type DatabaseConstructor = typeof BetterSqlite3;

const require = createRequire(import.meta.url);

export const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** The npm package name of the engine this Node needs. */
export function enginePackage(major = NODE_MAJOR): 'better-sqlite3' | 'better-sqlite3-node20' {
  return major >= 22 ? 'better-sqlite3' : 'better-sqlite3-node20';
}

export class SqliteEngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqliteEngineError';
  }
}

/** One line that says what is wrong and what to do, instead of a page of node-gyp output. */
export function engineHelp(pkg: string, cause: unknown): string {
  const why = (cause as Error)?.message?.split('\n')[0] ?? String(cause);
  if (pkg === 'better-sqlite3-node20') {
    return (
      `SQLite engine for Node ${process.versions.node} (better-sqlite3 12, package better-sqlite3-node20) is not usable: ${why}. ` +
      'It is built from source when no prebuilt binary can be downloaded: install python3, make and g++ ' +
      '(Debian: apt-get install python3 make g++), then run `npm rebuild better-sqlite3-node20`; or run Pantau on Node 22 or 24.'
    );
  }
  return `SQLite engine for Node ${process.versions.node} (better-sqlite3 13) is not usable: ${why}. Run \`npm ci\` again with this Node version.`;
}

let engine: DatabaseConstructor | undefined;

/** The engine's Database class, loaded once. Throws SqliteEngineError with one clear line. */
export function sqliteEngine(): DatabaseConstructor {
  if (engine) return engine;
  const pkg = enginePackage();
  try {
    engine = require(pkg) as DatabaseConstructor;
    return engine;
  } catch (e) {
    throw new SqliteEngineError(engineHelp(pkg, e));
  }
}

/** The version of the engine in use, e.g. "better-sqlite3 13.2.0" (for /metrics and logs). */
export function engineVersion(): string {
  const pkg = enginePackage();
  try {
    const dir = dirname(dirname(require.resolve(pkg)));
    return `better-sqlite3 ${(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version}`;
  } catch {
    return 'better-sqlite3 (not installed)';
  }
}

/** Where the engine's module is, for a worker thread that opens its own connection (checkpoint.ts). */
export function enginePath(): string {
  const pkg = enginePackage();
  try {
    return require.resolve(pkg);
  } catch (e) {
    throw new SqliteEngineError(engineHelp(pkg, e));
  }
}

export function openDatabase(file: string, opts?: BetterSqlite3.Options): Database {
  const Engine = sqliteEngine();
  return new Engine(file, opts);
}

/** How a cached statement is set up: values plucked, rows as arrays, integers as bigints. */
export interface StatementMode {
  pluck?: boolean;
  raw?: boolean;
  safeIntegers?: boolean;
}

/**
 * Statements prepared once per connection and text (and mode): `sql(text, mode)` returns the
 * same Statement every time (Store.sql; the merge thread's reads). `size`: how many it holds.
 */
export function statementCache(db: Database): { sql(text: string, mode?: StatementMode): Statement; readonly size: number } {
  const statements = new Map<string, Statement>();
  return {
    sql(text, mode = {}) {
      const key = `${mode.pluck ? 'p' : ''}${mode.raw ? 'r' : ''}${mode.safeIntegers ? 'i' : ''}\u0000${text}`;
      let st = statements.get(key);
      if (!st) {
        st = db.prepare(text);
        if (mode.pluck) st.pluck(true);
        if (mode.raw) st.raw(true);
        if (mode.safeIntegers) st.safeIntegers(true);
        statements.set(key, st);
      }
      return st;
    },
    get size() {
      return statements.size;
    },
  };
}
