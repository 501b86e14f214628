// Backup watching (cfg.backupWatch globs): lands with the backups issue. For now it only
// says so once at start, so an operator who configured it is not left guessing.
import type { Logger } from '../../../log/logger.js';
import type { AgentConfig } from '../../../config/agent.js';

export function startBackupWatch(watch: AgentConfig['backupWatch'], logger: Logger): { stop(): void } {
  if (watch.length > 0) {
    logger.child({ component: 'backup-watch' }).warn({ globs: watch.map((w) => w.glob) }, 'backup watching lands with the backups issue; these globs are not watched yet');
  }
  return { stop: () => undefined };
}
