// Runs the real `pantau` command as a child process, the way an operator or a script would.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PANTAU = fileURLToPath(new URL('../../bin/pantau.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runPantau(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PANTAU, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Tokens and secrets the shipped example configs refer to. */
export const EXAMPLE_ENV = {
  PANTAU_WALL_TOKEN: 'wall-token-0123456789',
  PANTAU_BUDI_TOKEN: 'budi-token-0123456789',
  PANTAU_AGENT1_TOKEN: 'agent1-token-0123456789',
  PANTAU_BACKUP_DINKES: 'backup-dinkes-0123456789',
  SNMP_COMMUNITY: 'public',
  K1: 'authkey123',
  K2: 'privkey123',
};
