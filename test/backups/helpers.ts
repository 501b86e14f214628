// A deployment with backup schedules for the backup tests: dinkes daily at 01:00 WIB (grace 4 h,
// minBytes 1000), bappeda weekly on Sunday 23:30 WIB (grace 2 h, backup_failed after two
// failures in a row), bkd without a backup schedule.
import { testConfigHead, AGENT_TOKEN, OPERATOR_TOKEN, OTHER_AGENT_TOKEN, VIEWER_TOKEN } from '../helpers/collector.js';

export const BK_DINKES = 'backup-token-dinkes-0001';
export const BK_BAPPEDA = 'backup-token-bappeda-001';

export const backupYaml = (sqlite: string): string => `
${testConfigHead(sqlite)}agents:
  - { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [r1] }
  - { id: a2, token: ${OTHER_AGENT_TOKEN}, intervalSeconds: 60, poll: [r3] }
opds:
  - { id: dinkes, name: Dinas Kesehatan, backup: { schedule: "0 1 * * *", graceMinutes: 240, minBytes: 1000 }, backupToken: ${BK_DINKES} }
  - { id: bappeda, name: Bappeda, backup: { schedule: "30 23 * * 0", graceMinutes: 120, failuresBeforeAlert: 2 }, backupToken: ${BK_BAPPEDA} }
  - { id: bkd, name: Badan Kepegawaian Daerah }
devices:
  - { id: r1, opd: dinkes, kind: server, address: 127.0.0.1 }
  - { id: r3, opd: bappeda, kind: server, address: 127.0.0.1 }
`;

export const MIN = 60_000;
export const DAY = 86_400_000;
export const t = (iso: string): number => Date.parse(iso);
