// GET /api/v1/agents/{id}/assignment: what an agent polls, how often. Central configuration:
// the collector's config is the single place where routers are added.

export type SnmpCredentials =
  | { version: '2c'; community: string; port: number; timeoutMs: number; retries: number }
  | {
      version: '3';
      user: string;
      authProtocol: 'sha' | 'sha256' | 'md5';
      authKey: string;
      privProtocol: 'aes' | 'aes256' | 'aes256c' | 'des';
      privKey: string;
      port: number;
      timeoutMs: number;
      retries: number;
    };

export interface AssignedDevice {
  id: string;
  opd: string;
  kind: 'router' | 'server' | 'switch' | 'other';
  address: string;
  /** Present for devices polled over SNMP. */
  snmp?: SnmpCredentials;
  /** Ping every cycle (default true). */
  ping: boolean;
}

export interface Assignment {
  agent: string;
  intervalSeconds: number;
  devices: AssignedDevice[];
  /** Largest request body the collector accepts, in bytes: agents split batches below it. */
  maxBodyBytes: number;
}
