// Minimal typings for net-snmp 3.x (the package ships none): only what the agent and sim/ use.
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
    backoff?: number;
    transport?: 'udp4' | 'udp6';
    version?: number;
    idBitsSize?: 16 | 32;
    engineID?: string;
    context?: string;
  }
  export interface User {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }
  export interface Session extends EventEmitter {
    get(oids: string[], cb: Callback<Varbind[]>): void;
    getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: Callback<(Varbind | Varbind[])[]>): void;
    subtree(oid: string, maxRepetitions: number, feed: (vbs: Varbind[]) => boolean | void, done: (e: Error | null) => void): void;
    close(): void;
  }
  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: User, options?: SessionOptions): Session;
  export function isVarbindError(vb: Varbind): boolean;
  export function varbindError(vb: Varbind): string;

  export const Version1: number;
  export const Version2c: number;
  export const Version3: number;
  export const ObjectType: Record<string, number>;
  export const ErrorStatus: Record<string, number>;
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: Record<string, number>;
  export const PrivProtocols: Record<string, number>;
  export const MibProviderType: { Scalar: string; Table: string };
  export const MaxAccess: Record<string, number>;
  export const AccessControlModelType: Record<string, number>;
  export const ResponseInvalidCode: Record<string, number>;

  export class RequestTimedOutError extends Error {}
  export class RequestFailedError extends Error {
    status?: number;
  }
  export class ResponseInvalidError extends Error {
    code?: number;
  }
  export class RequestInvalidError extends Error {}

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
    tableIndex?: { columnName: string }[];
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
    createV3Session: typeof createV3Session;
    createAgent: typeof createAgent;
    isVarbindError: typeof isVarbindError;
    varbindError: typeof varbindError;
    Version1: number;
    Version2c: number;
    Version3: number;
    ObjectType: Record<string, number>;
    ErrorStatus: Record<string, number>;
    SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
    AuthProtocols: Record<string, number>;
    PrivProtocols: Record<string, number>;
    MibProviderType: { Scalar: string; Table: string };
    MaxAccess: Record<string, number>;
    AccessControlModelType: Record<string, number>;
    ResponseInvalidCode: Record<string, number>;
    RequestTimedOutError: typeof RequestTimedOutError;
    RequestFailedError: typeof RequestFailedError;
    ResponseInvalidError: typeof ResponseInvalidError;
    RequestInvalidError: typeof RequestInvalidError;
    Authentication: typeof Authentication;
    Encryption: typeof Encryption;
  };
  export default snmp;
}
