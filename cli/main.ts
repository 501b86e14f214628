// `pantau`: one command, the contract's subcommands. Exit 0 success, 2 bad usage or bad
// config (the message names file, key path, expected and found), 1 failure at run time.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/load.js';
import { loadCollectorConfig } from '../config/collector.js';
import { loadAgentConfig } from '../config/agent.js';
import { createLogger } from '../log/logger.js';
import { dirname } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CommandError, UsageError } from './errors.js';


const USAGE = `usage: pantau <command> [options]

  collector --config FILE        run the collector (ingest, store, API, dashboard)
  agent --config FILE            run an agent (SNMP, ping, host metrics; spools while offline)
  report --config FILE --month YYYY-MM [--format html|csv|json|pdf] [--out FILE] [--send]
  backup-done --url URL --token T --opd ID [--start|--failed] [--run ID] [--bytes N] [--path P]
  backup-run --url URL --token T --opd ID [--output FILE] -- CMD ARGS...
  check-config FILE              validate a collector or agent config
  demo [--listen HOST:PORT]      collector + agent + simulated OPD routers on this machine`;

type Handler = (args: string[]) => Promise<number>;

function configArg(args: string[]): string {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, strict: true });
  if (!values.config) throw new UsageError('missing --config FILE');
  return values.config;
}

/**
 * Test hook (issue 13): PANTAU_TEST_GC_EVERY_MS=N runs a full garbage collection every N ms, so
 * a soak test finds any native handle (a prepared statement, a database) that the collector
 * lets the garbage collector finalise: with better-sqlite3 12 on Node 24.19+ that aborts the process.
 */
function forcedGc(): { stop(): void } | undefined {
  const every = Number(process.env.PANTAU_TEST_GC_EVERY_MS);
  if (!Number.isFinite(every) || every <= 0) return undefined;
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let runs = 0;
  const timer = setInterval(() => {
    gc();
    runs++;
  }, every);
  process.stderr.write(`pantau: test hook: a full garbage collection every ${every} ms\n`);
  return {
    stop() {
      clearInterval(timer);
      process.stderr.write(`pantau: test hook: ${runs} forced garbage collections\n`);
    },
  };
}

/** Runs until SIGTERM or SIGINT, then stops the component cleanly. */
async function untilSignal(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (sig: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`pantau: ${sig} received, stopping cleanly\n`);
      stop().then(
        () => resolve(0),
        (e) => {
          process.stderr.write(`pantau: error while stopping: ${(e as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
}

const commands: Record<string, Handler> = {
  async collector(args) {
    const file = configArg(args);
    const cfg = loadCollectorConfig(file);
    const { startCollector } = await import('../collector/main.js');
    const c = await startCollector(cfg, { configDir: dirname(file) });
    process.on('SIGHUP', () => c.reloadTls()); // certificate renewal
    const gc = forcedGc();
    return untilSignal(async () => {
      gc?.stop();
      await c.stop();
    });
  },
  async agent(args) {
    const cfg = loadAgentConfig(configArg(args));
    const { startAgent } = await import('../agent/main.js');
    const a = await startAgent(cfg, { logger: createLogger({ name: 'pantau-agent' }) });
    return untilSignal(() => a.stop());
  },
  async 'check-config'(args) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new UsageError('check-config takes one FILE');
    const file = positionals[0];
    let isAgent = false;
    try {
      const raw = parseYaml(readFileSync(file, 'utf8')) as unknown;
      isAgent = !!raw && typeof raw === 'object' && 'collector' in raw;
    } catch {
      /* the loader reports read and syntax errors with their place */
    }
    if (isAgent) {
      const c = loadAgentConfig(file);
      process.stdout.write(`${file}: valid agent configuration (agent "${c.id}", collector ${c.collector}, spool ${c.spool})\n`);
    } else {
      const c = loadCollectorConfig(file);
      process.stdout.write(
        `${file}: valid collector configuration (${c.opds.length} OPDs, ${c.devices.length} devices, ${c.agents.length} agents, time zone ${c.timezone}, store ${c.store.sqlite})\n`,
      );
    }
    return 0;
  },
  async demo(args) {
    const { runDemo } = await import('./demo.js');
    return runDemo(args);
  },
  async report(args) {
    const { runReport } = await import('./report.js');
    return runReport(args);
  },
  async 'backup-done'(args) {
    const { runBackupDone } = await import('./backup.js');
    return runBackupDone(args);
  },
  async 'backup-run'(args) {
    const { runBackupRun } = await import('./backup.js');
    return runBackupRun(args);
  },
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE + '\n');
    return cmd ? 0 : 2;
  }
  const handler = commands[cmd];
  if (!handler) {
    process.stderr.write(`pantau: unknown command "${cmd}"\n${USAGE}\n`);
    return 2;
  }
  try {
    return await handler(args);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`pantau ${cmd}: ${e.message}\n`);
      return 2;
    }
    if ((e as Error)?.name === 'SqliteEngineError') {
      process.stderr.write(`pantau ${cmd}: ${(e as Error).message}\n`);
      return 1;
    }
    if (e instanceof CommandError) {
      process.stderr.write(`pantau ${cmd}: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`pantau ${cmd}: ${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`pantau ${cmd}: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Let pino and sockets flush; force the exit only if something keeps the loop alive.
setTimeout(() => process.exit(code), 2000).unref();
