// Devices' last_seen under ingest (Store.deferLastSeen, the collector's setting): kept in memory
// per committed batch and written once a second instead of an upsert per device and batch in
// the ingest commit. It must end as the per-batch upsert ends (the newest time, the last
// batch's agent), be written before any status read and at close, and keep nothing of a batch
// that was not stored (a duplicate). Fixed dates; no timers.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../collector/storage/store.js';
import type { Sample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';

const openStore = tempStores();
const NOW = Date.parse('2026-11-20T05:00:00Z');
const iface = (device: string, ts: number): Sample => ({ type: 'iface', device, interface: 'ether1', ts, inOctets: BigInt(ts), outOctets: 1n, bits: 64 });
const seen = (store: Store) => store.db.prepare('SELECT d.name, s.agent, s.last_seen FROM device_state s JOIN device d ON d.id = s.device ORDER BY d.name').all();

function ingest(store: Store): void {
  store.stageBatches([
    { agent: 'a1', batch: 'b1', samples: [iface('r1', NOW - 120_000), iface('r2', NOW - 60_000)], now: NOW },
    { agent: 'a2', batch: 'b2', samples: [iface('r1', NOW - 180_000)], now: NOW }, // older, from another agent
  ]);
  store.stageBatches([{ agent: 'a1', batch: 'b1', samples: [iface('r3', NOW)], now: NOW }]); // a duplicate: stores nothing
}

describe('devices\' last_seen', () => {
  it('ends as the per-batch upsert ends, written once a second instead of in each commit', () => {
    const now = openStore();
    ingest(now);
    const later = openStore();
    later.deferLastSeen();
    ingest(later);
    expect(seen(later)).toEqual([]); // nothing written in the commits
    later.flushSeen();
    expect(seen(later)).toEqual(seen(now));
    expect(seen(later)).toEqual([
      { name: 'r1', agent: 'a2', last_seen: NOW - 120_000 },
      { name: 'r2', agent: 'a1', last_seen: NOW - 60_000 },
    ]);
    later.flushSeen(); // nothing pending: nothing written
    expect(seen(later)).toEqual(seen(now));
  });

  it('is written at close', () => {
    const store = openStore();
    store.deferLastSeen();
    ingest(store);
    const file = store.file;
    store.close();
    expect(seen(openStore(file))).toHaveLength(2);
  });
});
