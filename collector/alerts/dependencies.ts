// What stands behind what, from the config: a device's `via:` (a chain: a server behind a
// switch behind a router) and the agent that polls it. While a device on the chain is down,
// or while the agent is silent, the device's own alerts are held back: one outage, one alert.
// "Down" and "silent" come from a view (by default the engine's own observations and the
// firing device_down / agent_silent alerts), so the up-time capability can plug in its own.
import type { CollectorConfig } from '../../config/collector.js';
import type { AlertStore } from '../rules/alert-store.js';
import type { AlertEngine, HeldBack } from './engine.js';

export interface DependencyView {
  /** Whether `device` is down now (or judged going down). */
  isDown(device: string, at: number): boolean;
  /** Whether `agent` is silent now. */
  isSilent(agent: string, at: number): boolean;
}

/** Down: a device_down condition the engine sees holding, or a firing device_down alert; silent: a firing agent_silent alert of the agent. */
export function alertView(engine: AlertEngine, alerts: AlertStore): DependencyView {
  return {
    isDown: (device) => engine.isActive('device_down', device) || alerts.firingOfKind('device_down').some((a) => a.device === device),
    isSilent: (agent) =>
      engine.isActive('agent_silent', agent) ||
      alerts.firingOfKind('agent_silent').some((a) => a.key === `agent_silent:${agent}` || a.details?.agent === agent || a.device === agent),
  };
}

/** The devices each one stands behind, nearest first (loops are refused by the config check, and cut here). */
export function viaChains(cfg: Pick<CollectorConfig, 'devices'>): Map<string, string[]> {
  const via = new Map(cfg.devices.map((d) => [d.id, d.via]));
  const chains = new Map<string, string[]>();
  for (const d of cfg.devices) {
    const chain: string[] = [];
    for (let v = d.via; v !== undefined && v !== d.id && !chain.includes(v); v = via.get(v)) chain.push(v);
    chains.set(d.id, chain);
  }
  return chains;
}

/** Held back: an observation about a device whose `via` chain has a device down, or whose agent is silent; or one whose data comes through an agent (`agent`) that is silent. */
export function viaHeldBack(cfg: Pick<CollectorConfig, 'devices' | 'agents'>, view: DependencyView): HeldBack {
  const chains = viaChains(cfg);
  const agentOf = new Map<string, string>();
  for (const a of cfg.agents) for (const d of a.poll) agentOf.set(d, a.id);
  return (o, at) => {
    if (o.kind === 'agent_silent') return false;
    if (o.agent !== undefined && view.isSilent(o.agent, at)) return true;
    if (o.device === undefined) return false;
    const agent = agentOf.get(o.device);
    if (agent !== undefined && view.isSilent(agent, at)) return true;
    return (chains.get(o.device) ?? []).some((d) => view.isDown(d, at));
  };
}
