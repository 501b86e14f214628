// The corpus of device profiles (README.md): every family OPDs run, each with its quirks.
import { catalystNoHc, ciscoIsrRenumber } from './cisco.js';
import { fortigate, tplinkJetstream } from './fortigate-tplink.js';
import { gponOnt, linuxNetSnmp, pfsense } from './hosts.js';
import { huaweiVrpStack, junosNoIfx } from './juniper-huawei.js';
import { mikrotikRos6, mikrotikRos7 } from './mikrotik.js';
import type { DeviceProfile } from './profile.js';
import { procurveStack, ruijieMixed, unifiSwitch } from './switches.js';

export * from './profile.js';

export const PROFILES: readonly DeviceProfile[] = [
  mikrotikRos6,
  mikrotikRos7,
  ciscoIsrRenumber,
  catalystNoHc,
  junosNoIfx,
  huaweiVrpStack,
  fortigate,
  tplinkJetstream,
  procurveStack,
  ruijieMixed,
  unifiSwitch,
  pfsense,
  linuxNetSnmp,
  gponOnt,
];

export const profile = (id: string): DeviceProfile => {
  const p = PROFILES.find((x) => x.id === id);
  if (!p) throw new Error(`no device profile "${id}"; known: ${PROFILES.map((x) => x.id).join(', ')}`);
  return p;
};
