// Instants as ISO 8601 in the deployment's zone, with its offset (the CSV's and the backup section's times).
import { localWallMs } from '../accounting/months.js';

/** "2026-12-14T14:25:00+07:00": the instant in the zone, with its offset. */
export function isoLocal(ms: number | undefined, timezone: string): string | undefined {
  if (ms === undefined) return undefined;
  const wall = localWallMs(ms, timezone);
  const off = Math.round((wall - ms) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
  const mm = String(Math.abs(off) % 60).padStart(2, '0');
  return `${new Date(wall - (wall % 1000)).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}
