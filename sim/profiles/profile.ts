// A device profile: the interface table of one family of real devices, with its quirks, as the
// simulated router (../snmp-router.ts) serves it, and what a correct poller makes of it. The
// profiles are modelled on interface tables of devices that OPDs run (README.md says from what);
// counters, addresses and descriptions are made up.
import { startSimRouter, type SimInterface, type SimRouter } from '../snmp-router.js';

/** What Pantau must report for an interface: its name, speed (undefined: unknown) and counter width. */
export interface Expected {
  name: string;
  speedBps?: number;
  bits: 32 | 64;
}

export type ProfileInterface = SimInterface & { expect: Expected };

export interface DeviceProfile {
  id: string;
  /** The family and firmware it is modelled on. */
  family: string;
  /** What the table is modelled on. */
  source: string;
  /** Each quirk in a sentence. */
  quirks: string[];
  /** sysUpTime at start, hundredths of a second. */
  uptime: number;
  interfaces: ProfileInterface[];
  /** The ifIndex each interface gets after a reboot (Cisco without `snmp-server ifindex persist`). */
  renumberOnReboot?: (index: number) => number;
  /** Patterns (RegExp sources) each matched by one of the device's poll warnings at a 5 s interval. */
  warnings: string[];
}

export function startProfile(p: DeviceProfile, port: number): Promise<SimRouter> {
  return startSimRouter({ port, uptime: p.uptime, interfaces: p.interfaces.map(({ expect: _e, ...i }) => ({ ...i, omit: i.omit ? [...i.omit] : undefined })) });
}

export const G = 1e9;
export const M = 1e6;
/** 2^53: counters above it are where a JavaScript number silently loses bytes. */
export const TWO53 = 1n << 53n;
