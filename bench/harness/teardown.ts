// Everything a benchmark starts (processes, namespaces, temp folders) registers how to undo it
// here; `teardown()` runs the undo steps newest first, also on SIGINT/SIGTERM and on a crash.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Undo = { what: string; run: () => Promise<void> | void };
const undo: Undo[] = [];

export function onTeardown(what: string, run: Undo['run']): void {
  undo.push({ what, run });
}

let running: Promise<void> | undefined;
/** Re-entrant: a second call (a signal during a teardown) waits for the one under way. */
export function teardown(): Promise<void> {
  running ??= (async () => {
    while (undo.length) {
      const u = undo.pop()!;
      try {
        await u.run();
      } catch (e) {
        process.stderr.write(`teardown: ${u.what}: ${(e as Error).message}\n`);
      }
    }
  })().finally(() => (running = undefined));
  return running;
}

let hooked = false;
/** Installs signal and crash handlers that tear down before exiting. */
export function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      process.stderr.write(`\n${sig}: tearing down\n`);
      void teardown().finally(() => process.exit(130));
    });
  for (const ev of ['uncaughtException', 'unhandledRejection'] as const)
    process.on(ev, (e) => {
      process.stderr.write(`\n${ev}: ${(e as Error)?.stack ?? e}\ntearing down\n`);
      void teardown().finally(() => process.exit(1));
    });
}

/** A temporary folder removed at teardown (unless BENCH_KEEP=1). */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `pantau-bench-${prefix}-`));
  onTeardown(`remove ${d}`, () => {
    if (process.env.BENCH_KEEP !== '1') rmSync(d, { recursive: true, force: true });
  });
  return d;
}

/** Waits for a child to exit, killing it with SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill(signal);
  });
}

/** Spawns a long-lived process that is stopped (by its pid, never by name) at teardown. */
export function spawnManaged(what: string, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-4000);
  });
  child.on('error', (e) => process.stderr.write(`${what}: ${e.message}\n`));
  (child as ChildProcess & { lastStderr: () => string }).lastStderr = () => err;
  onTeardown(`stop ${what} (pid ${child.pid})`, () => stopChild(child));
  return child;
}

export function lastStderr(child: ChildProcess): string {
  return (child as ChildProcess & { lastStderr?: () => string }).lastStderr?.() ?? '';
}
