// Minimal typings for net-snmp 3.x (the package ships none): only what the agent (its USM
// cryptography) and sim/ (its agent, a readiness check) use.
declare module 'net-snmp' {
  import type { EventEmitter } from 'node:events';

  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }
  export type Callback<T> = (error: Error | null, result: T) => void;

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    version?: number;
  }
  /** sim/snmpd.ts asks snmpd whether it is up with one; the agent has its own client. */
  export interface Session extends EventEmitter {
    get(oids: string[], cb: Callback<Varbind[]>): void;
    close(): void;
  }
  export function createSession(target: string, community: string, options?: SessionOptions): Session;

  export const Version2c: number;
  export const ObjectType: Record<string, number>;
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: Record<string, number>;
  export const PrivProtocols: Record<string, number>;
  export const MibProviderType: { Scalar: string; Table: string };
  export const MaxAccess: Record<string, number>;

  export interface MibRequest {
    oid: string;
    operation: number;
    instanceNode: { value: unknown };
    done(error?: { errorStatus: number }): void;
  }
  export interface MibNode {
    value: unknown;
    pruneUpwards(): void;
  }
  export interface ProviderDefinition {
    name: string;
    type: string;
    oid: string;
    scalarType?: number;
    maxAccess: number;
    tableColumns?: { number: number; name: string; type: number; maxAccess: number }[];
    tableIndex?: { columnName: string; foreign?: string }[];
    tableAugments?: string;
    handler?: (req: MibRequest) => void;
  }
  export interface Mib {
    registerProvider(def: ProviderDefinition): void;
    setScalarValue(name: string, value: unknown): void;
    addTableRow(name: string, row: unknown[]): void;
    setTableSingleCell(name: string, column: number, rowIndex: unknown[], value: unknown): void;
    lookup(oid: string): MibNode | null;
  }
  export interface Authorizer {
    addCommunity(community: string): void;
    addUser(user: User): void;
  }
  export interface Agent {
    getMib(): Mib;
    getAuthorizer(): Authorizer;
    close(cb?: () => void): void;
  }
  export interface AgentOptions {
    port: number;
    address?: string | null;
    transport?: 'udp4' | 'udp6';
    disableAuthorization?: boolean;
    engineID?: string;
  }
  export function createAgent(options: AgentOptions, cb: (error: Error | null, data: unknown) => void, mib?: Mib): Agent;

  /** The USM engine a key is localised to and a PDU encrypted for. */
  export interface UsmEngine {
    engineID: Buffer;
    engineBoots: number;
    engineTime: number;
  }
  /** net-snmp's USM authentication helpers (keys localised and cached per engine). */
  export const Authentication: {
    /** The key localised to `engineID` (RFC 3414 A.2), cached. */
    passwordToKey(authProtocol: number, password: string, engineID: Buffer): Buffer;
    getParametersLength(authProtocol: number): number;
    /** Writes the digest of `message` (its digest field zero) into `digestInMessage`, a view of it. */
    writeParameters(message: Buffer, authProtocol: number, authKey: string, engineID: Buffer, digestInMessage: Buffer): void;
    isAuthentic(message: Buffer, authProtocol: number, authKey: string, engineID: Buffer, digestInMessage: Buffer): boolean;
  };
  /** net-snmp's USM privacy helpers (DES, AES-128, AES-256). */
  export const Encryption: {
    encryptPdu(privProtocol: number, scopedPdu: Buffer, privKey: string, authProtocol: number, engine: UsmEngine): { encryptedPdu: Buffer; msgPrivacyParameters: Buffer };
    decryptPdu(privProtocol: number, encryptedPdu: Buffer, privParameters: Buffer, privKey: string, authProtocol: number, engine: UsmEngine): Buffer;
  };

  const snmp: {
    createSession: typeof createSession;
    createAgent: typeof createAgent;
    Version2c: number;
    ObjectType: Record<string, number>;
    SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
    AuthProtocols: Record<string, number>;
    PrivProtocols: Record<string, number>;
    MibProviderType: { Scalar: string; Table: string };
    MaxAccess: Record<string, number>;
    Authentication: typeof Authentication;
    Encryption: typeof Encryption;
  };
  export default snmp;
}
