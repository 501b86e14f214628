// A simulated OPD router: net-snmp's own agent on a loopback UDP port serving the IF-MIB
// columns Pantau polls, with counters a test or `pantau demo` moves at will, and the quirks of
// real devices (sim/profiles/: missing columns, sentinels, rows in one table only, renumbering).
//
// Served (read-only): sysUpTime 1.3.6.1.2.1.1.3.0 (TimeTicks, hundredths of a second);
// ifTable 1.3.6.1.2.1.2.2.1: ifIndex .1, ifDescr .2, ifSpeed .5 (Gauge32, bit/s), ifOperStatus
// .8, ifInOctets .10, ifOutOctets .16 (Counter32, the low 32 bits); ifXTable
// 1.3.6.1.2.1.31.1.1.1: ifName .1, ifHCInOctets .6, ifHCOutOctets .10 (Counter64, only for
// `bits: 64` interfaces: 32-bit ones omit them, as old routers do), ifHighSpeed .15 (Mbit/s).
// ifXTable is indexed by ifTable's ifIndex as a foreign index, so a row may live in one table
// only (`tables`), and any cell may be absent (`omit`).
import snmp from 'net-snmp';

export interface SimInterface {
  index: number;
  name: string;
  /** 64: the HC columns exist; 32: only ifInOctets/ifOutOctets. */
  bits: 64 | 32;
  inOctets: bigint;
  outOctets: bigint;
  speedMbps: number;
  operUp: boolean;
  /** ifDescr (default: the name). */
  descr?: string;
  /** Cells this device does not have for this interface. */
  omit?: readonly OmittableColumn[];
  /** The tables that hold the row: both (default), ifTable only (no ifXTable), ifXTable only. */
  tables?: 'both' | 'ifTable' | 'ifXTable';
  /** ifHighSpeed as served (Mbit/s), instead of speedMbps: a sentinel such as 4294967295. */
  highSpeedRaw?: number;
  /** ifSpeed as served (bit/s), instead of speedMbps × 10^6 capped at 4294967295. */
  ifSpeedRaw?: number;
}
export type OmittableColumn = 'ifName' | 'ifDescr' | 'ifSpeed' | 'ifOperStatus' | 'ifHighSpeed';

export interface SimRouterOptions {
  port: number;
  /** Bind address (default 127.0.0.1; only loopback is meant). */
  address?: string;
  /** v2c community (default "public"). */
  community?: string;
  /** Also answer SNMPv3 authPriv for this user (SHA + AES). */
  v3?: { user: string; authKey: string; privKey: string };
  interfaces: SimInterface[];
  /** sysUpTime at start, in hundredths of a second (default 0). */
  uptime?: number;
}

export interface SimRouter {
  port: number;
  /** Sets an interface's counters (wrapped to its width). */
  setCounters(index: number, inOctets: bigint, outOctets: bigint): void;
  /** Moves time: sysUpTime += seconds, each interface's counters += seconds·bps/8 (wrapping). */
  advance(seconds: number, bps: number | { in: number; out: number }): void;
  /**
   * Counters back to 0 and sysUpTime back to ~0, as after a power cycle. `renumber` gives each
   * interface's ifIndex after the reboot (Cisco without `snmp-server ifindex persist`).
   */
  reboot(renumber?: (index: number) => number): void;
  /** Sets sysUpTime, in hundredths of a second; it then keeps running with the wall clock. */
  setUptime(hundredths: number): void;
  setOperUp(index: number, up: boolean): void;
  /** Renames an interface (ifName), as an operator does on the router. */
  setName(index: number, name: string): void;
  /** The current state of an interface (counters already wrapped). */
  get(index: number): SimInterface;
  stop(): Promise<void>;
}

// net-snmp table providers register at the *entry* OID: instances are ENTRY.column.index.
const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';
const TWO32 = 1n << 32n;
const TWO64 = 1n << 64n;
const T = snmp.ObjectType;
const RO = snmp.MaxAccess['read-only'];

/** Counter64 for net-snmp's agent: an 8-byte big-endian Buffer (exact above 2^53). */
export function counter64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(((v % TWO64) + TWO64) % TWO64);
  return b;
}

export async function startSimRouter(opts: SimRouterOptions): Promise<SimRouter> {
  const ifaces = new Map<number, SimInterface>();
  for (const i of opts.interfaces) {
    ifaces.set(i.index, { ...i, inOctets: wrap(i.inOctets, i.bits), outOctets: wrap(i.outOctets, i.bits) });
  }
  // sysUpTime = base + wall-clock time since `since` (hundredths); advance() moves base.
  let uptimeBase = opts.uptime ?? 0;
  let since = Date.now();
  const uptimeNow = (): number => Math.floor(uptimeBase + (Date.now() - since) / 10) % 2 ** 32;

  const agent = snmp.createAgent(
    { port: opts.port, address: opts.address ?? '127.0.0.1', transport: 'udp4' },
    () => undefined, // malformed or unauthorised packets are a peer's problem, not the sim's
  );
  await new Promise((r) => setTimeout(r, 0)); // the socket binds asynchronously
  const auth = agent.getAuthorizer();
  auth.addCommunity(opts.community ?? 'public');
  if (opts.v3) {
    auth.addUser({
      name: opts.v3.user,
      level: snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols.sha,
      authKey: opts.v3.authKey,
      privProtocol: snmp.PrivProtocols.aes,
      privKey: opts.v3.privKey,
    });
  }
  const mib = agent.getMib();
  mib.registerProvider({
    name: 'sysUpTime',
    type: snmp.MibProviderType.Scalar,
    oid: '1.3.6.1.2.1.1.3',
    scalarType: T.TimeTicks,
    maxAccess: RO,
    handler: (req) => {
      req.instanceNode.value = uptimeNow();
      req.done();
    },
  });
  mib.setScalarValue('sysUpTime', 0);
  mib.registerProvider({
    name: 'ifTable',
    type: snmp.MibProviderType.Table,
    oid: IF_ENTRY,
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      { number: 1, name: 'ifIndex', type: T.Integer, maxAccess: RO },
      { number: 2, name: 'ifDescr', type: T.OctetString, maxAccess: RO },
      { number: 5, name: 'ifSpeed', type: T.Gauge32, maxAccess: RO },
      { number: 8, name: 'ifOperStatus', type: T.Integer, maxAccess: RO },
      { number: 10, name: 'ifInOctets', type: T.Counter32, maxAccess: RO },
      { number: 16, name: 'ifOutOctets', type: T.Counter32, maxAccess: RO },
    ],
    tableIndex: [{ columnName: 'ifIndex' }],
  });
  mib.registerProvider({
    name: 'ifXTable',
    type: snmp.MibProviderType.Table,
    oid: IFX_ENTRY,
    maxAccess: snmp.MaxAccess['not-accessible'],
    tableColumns: [
      { number: 1, name: 'ifName', type: T.OctetString, maxAccess: RO },
      { number: 6, name: 'ifHCInOctets', type: T.Counter64, maxAccess: RO },
      { number: 10, name: 'ifHCOutOctets', type: T.Counter64, maxAccess: RO },
      { number: 15, name: 'ifHighSpeed', type: T.Gauge32, maxAccess: RO },
    ],
    tableIndex: [{ foreign: 'ifTable', columnName: 'ifIndex' }],
  });

  const inIfTable = (i: SimInterface): boolean => i.tables !== 'ifXTable';
  const inIfXTable = (i: SimInterface): boolean => i.tables !== 'ifTable';
  const prune = (entry: string, col: number, index: number): void => mib.lookup(`${entry}.${col}.${index}`)?.pruneUpwards();
  const addRows = (i: SimInterface): void => {
    const omit = new Set(i.omit ?? []);
    if (inIfTable(i)) {
      const ifSpeed = i.ifSpeedRaw ?? Math.min(i.speedMbps * 1e6, GAUGE_MAX);
      mib.addTableRow('ifTable', [i.index, i.descr ?? i.name, ifSpeed, status(i), low32(i.inOctets), low32(i.outOctets)]);
      // An absent cell is removed from the tree: getNext skips it, as a device without it does.
      for (const [col, c] of [['ifDescr', 2], ['ifSpeed', 5], ['ifOperStatus', 8]] as const) if (omit.has(col)) prune(IF_ENTRY, c, i.index);
    }
    if (inIfXTable(i)) {
      mib.addTableRow('ifXTable', [i.index, i.name, counter64(i.inOctets), counter64(i.outOctets), i.highSpeedRaw ?? i.speedMbps]);
      if (i.bits === 32) for (const c of [6, 10]) prune(IFX_ENTRY, c, i.index);
      if (omit.has('ifName')) prune(IFX_ENTRY, 1, i.index);
      if (omit.has('ifHighSpeed')) prune(IFX_ENTRY, 15, i.index);
    }
  };
  const removeRows = (i: SimInterface): void => {
    if (inIfTable(i)) for (const c of [1, 2, 5, 8, 10, 16]) prune(IF_ENTRY, c, i.index);
    if (inIfXTable(i)) for (const c of [1, 6, 10, 15]) prune(IFX_ENTRY, c, i.index);
    // The last row gone, the table's node is gone too: net-snmp must make it anew on the next
    // addTableRow (its own deleteTableRow does the same, but cannot delete a row with absent cells).
    const nodes = (mib as unknown as { providerNodes: Record<string, unknown> }).providerNodes;
    if (!mib.lookup(IF_ENTRY)) delete nodes.ifTable;
    if (!mib.lookup(IFX_ENTRY)) delete nodes.ifXTable;
  };
  for (const i of [...ifaces.values()].sort((a, b) => a.index - b.index)) addRows(i);

  const publish = (i: SimInterface): void => {
    if (inIfTable(i)) {
      if (!i.omit?.includes('ifOperStatus')) mib.setTableSingleCell('ifTable', 8, [i.index], status(i));
      mib.setTableSingleCell('ifTable', 10, [i.index], low32(i.inOctets));
      mib.setTableSingleCell('ifTable', 16, [i.index], low32(i.outOctets));
    }
    if (i.bits === 64 && inIfXTable(i)) {
      mib.setTableSingleCell('ifXTable', 6, [i.index], counter64(i.inOctets));
      mib.setTableSingleCell('ifXTable', 10, [i.index], counter64(i.outOctets));
    }
  };
  const iface = (index: number): SimInterface => {
    const i = ifaces.get(index);
    if (!i) throw new Error(`sim router: no interface ${index}`);
    return i;
  };

  return {
    port: opts.port,
    setCounters(index, inOctets, outOctets) {
      const i = iface(index);
      i.inOctets = wrap(inOctets, i.bits);
      i.outOctets = wrap(outOctets, i.bits);
      publish(i);
    },
    advance(seconds, bps) {
      const rate = typeof bps === 'number' ? { in: bps, out: bps } : bps;
      uptimeBase += seconds * 100;
      for (const i of ifaces.values()) {
        i.inOctets = wrap(i.inOctets + BigInt(Math.round((seconds * rate.in) / 8)), i.bits);
        i.outOctets = wrap(i.outOctets + BigInt(Math.round((seconds * rate.out) / 8)), i.bits);
        publish(i);
      }
    },
    reboot(renumber) {
      uptimeBase = 0;
      since = Date.now();
      const all = [...ifaces.values()];
      for (const i of all) {
        i.inOctets = 0n;
        i.outOctets = 0n;
      }
      if (!renumber) {
        for (const i of all) publish(i);
        return;
      }
      for (const i of all) removeRows(i);
      ifaces.clear();
      for (const i of all) {
        i.index = renumber(i.index);
        if (ifaces.has(i.index)) throw new Error(`sim router: renumbering gives ifIndex ${i.index} twice`);
        ifaces.set(i.index, i);
      }
      for (const i of all.sort((a, b) => a.index - b.index)) addRows(i);
    },
    setUptime(hundredths) {
      uptimeBase = hundredths;
      since = Date.now();
    },
    setOperUp(index, up) {
      const i = iface(index);
      i.operUp = up;
      publish(i);
    },
    setName(index, name) {
      const i = iface(index);
      i.name = name;
      mib.setTableSingleCell('ifXTable', 1, [i.index], name);
    },
    get(index) {
      return { ...iface(index) };
    },
    stop() {
      return new Promise<void>((resolve) => {
        agent.close(() => resolve());
        setTimeout(resolve, 200).unref(); // close() calls back once per socket; never hang
      });
    },
  };
}

function wrap(v: bigint, bits: 32 | 64): bigint {
  const m = bits === 32 ? TWO32 : TWO64;
  return ((v % m) + m) % m;
}
const GAUGE_MAX = 4294967295;
const low32 = (v: bigint): number => Number(v % TWO32);
const status = (i: SimInterface): number => (i.operUp ? 1 : 2);
