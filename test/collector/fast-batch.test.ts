// The byte-level reader of ingest bodies (collector/ingest/fast-batch.ts) against the old way
// (JSON.parse and validate.ts, slowBatch): for every body it reads, the same batch field for
// field, the same refusals and set-asides, the same newest time; for a body it does not read,
// undefined (and the old way answers). Seeded bodies, seeded byte edits of them, and the cases
// named one by one.
import { describe, expect, it } from 'vitest';
import { fastBatch } from '../../collector/ingest/fast-batch.js';
import { parseBatch, slowBatch, type ParsedBatch } from '../../collector/ingest/parse-batch.js';
import { BufferPool } from '../../collector/ingest/buffers.js';
import { RECORD } from '../../collector/storage/staged-records.js';
import { rng } from '../../sim/rng.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const MAX_AGE = 40 * 86_400_000;

/** A ParsedBatch as plain data (typed arrays and the records as arrays) for toEqual. */
function plain(r: ParsedBatch) {
  if (r.error) return { error: { code: r.error.code, message: r.error.message, path: r.error.path }, newest: r.newest };
  const b = r.batch!;
  const c = b.iface;
  return {
    newest: r.newest,
    agent: b.agent,
    batch: b.batch,
    refused: b.refused,
    setAside: b.setAside,
    others: b.others,
    otherIndex: b.otherIndex,
    iface: {
      n: c.n,
      keys: c.keys,
      keyList: c.keyList,
      key: [...c.key],
      ts: [...c.ts],
      inOctets: [...c.inOctets],
      outOctets: [...c.outOctets],
      uptime: [...c.uptime],
      speed: [...c.speed],
      flags: [...c.flags],
      index: [...c.index],
      records: [...new Uint8Array(c.records, 0, Math.max(1, c.n) * RECORD)], // a worker's may be longer (read into a pool buffer)
    },
  };
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

/** Reads `text` both ways: whether the fast way read it, after checking it read it as the old way does. */
/** As a parse worker reads: buffers from a pool, and each batch's given back after (ParsePool.recycle). */
const pool = new BufferPool();

function same(text: string): boolean {
  const fast = fastBatch(bytes(text), NOW, MAX_AGE);
  const slow = slowBatch(bytes(text), NOW, MAX_AGE);
  if (fast !== undefined) expect(plain(fast), text.slice(0, 300)).toEqual(plain(slow));
  const pooled = fastBatch(bytes(text), NOW, MAX_AGE, pool);
  expect(pooled === undefined).toBe(fast === undefined);
  if (pooled?.batch) {
    expect(plain(pooled)).toEqual(plain(slow));
    pool.give(pooled.batch.iface.key.buffer as ArrayBuffer);
    pool.give(pooled.batch.iface.records);
  }
  expect(plain(parseBatch(bytes(text), NOW, MAX_AGE))).toEqual(plain(slow));
  return fast !== undefined;
}

const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** One interface sample as the agents write it, with seeded variations of value and form. */
function ifaceSample(r: () => number, odd: number): string {
  const device = pick(r, ['rtr-0001', 'rtr-0002', 'fw-Forti 60F', 'sw-core', 'r\u00e9seau-1', 'a"b', 'x\\y', '']);
  const iface = pick(r, ['ether1', 'ether2', 'GigabitEthernet0/0/1', 'port1', 'ae0.100', 'e'.repeat(128), 'e'.repeat(129), '\u00e9th0']);
  const bits = r() < 0.8 ? 64 : pick(r, [32, 16, '64', 64.0]);
  const ts = pick(r, [NOW - 60_000, NOW - 1, NOW - MAX_AGE - 1, NOW + 11 * 60_000, NOW - 3_600_000 * 5, 1.5, -3]);
  const counter = () =>
    r() < 0.7
      ? `"${Math.floor(r() * 2 ** (r() < 0.5 ? 32 : 50))}"`
      : pick(r, ['"0"', '"007"', '"18446744073709551615"', '"18446744073709551616"', '"4294967296"', '"4294967295"', '"123456789012345678"', '5', '9007199254740993', '1e3', '"-1"', '" 1"', 'null']);
  const fields: [string, string][] = [
    ['type', '"iface"'],
    ['device', JSON.stringify(device)],
    ['interface', JSON.stringify(iface)],
    ['ts', String(ts)],
    ['inOctets', counter()],
    ['outOctets', counter()],
    ['bits', JSON.stringify(bits)],
  ];
  if (r() < 0.8) fields.push(['uptime', pick(r, ['360000', '0', '4294967295', '4294967296', '1.5', '-1', 'null', '"5"', '12e2'])]);
  if (r() < 0.8) fields.push(['operUp', pick(r, ['true', 'false', 'null', '1', '"true"'])]);
  if (r() < 0.8) fields.push(['speedBps', pick(r, ['1000000000', '0', '10000000000000', '10000000000001', '1e9', '100.5', '-5', '4294967295'])]);
  if (odd < 0.05) fields.push(['extra', '1']);
  if (odd > 0.95) fields.push([pick(r, ['ts', 'device', 'inOctets']), pick(r, ['1', '"rtr-9"', '"5"'])]);
  if (odd > 0.4 && odd < 0.45) fields.splice(Math.floor(r() * fields.length), 1);
  if (r() < 0.3) fields.sort(() => r() - 0.5);
  if (odd > 0.5 && odd < 0.52) fields[0] = ['type', '"ifac\\u0065"'];
  const sep = r() < 0.8 ? '' : pick(r, [' ', '\n', '\t', ' \r\n ']);
  return `{${sep}${fields.map(([k, v]) => `"${k}"${sep}:${sep}${v}`).join(`,${sep}`)}${sep}}`;
}

/** A sample of another type, as the agents write them (the last two make a body malformed). */
function otherSample(r: () => number, forbidden = true): string {
  const all = [
    `{"type":"host","device":"agent-1","ts":${NOW - 5000},"uptimeS":1234,"cpuPct":12.5,"memUsedPct":40,"disks":[{"mount":"/","usedPct":71.2}],"rxBytes":"123","txBytes":"456"}`,
    `{"type":"ping","device":"rtr-0001","ts":${NOW - 4000},"up":true,"rttMs":1.25,"lossPct":0}`,
    `{"type":"poll","device":"rtr-0001","ts":${NOW - 3000},"ok":false,"error":"timeout","durationMs":5000,"warnings":["a \\"quoted\\" warning","kedua"]}`,
    `{"type":"backup","opd":"dinkes","ts":${NOW - 2000},"ok":true,"bytes":"1048576","path":"/backup/dinkes.tar.gz","sha256":"${'a'.repeat(64)}"}`,
    `{"type":"ping","device":"rtr-0001","ts":"yesterday","up":true}`,
    `{"type":"host","device":"agent-1","ts":${NOW},"uptimeS":1,"cpuPct":101,"memUsedPct":1}`,
    `{"type":"iface","device":"rtr-0001","interface":"ether1","ts":${NOW - 1000},"inOctets":"1","outOctets":"2","bits":64,"speedBps":-1}`,
    `{"type":"bogus","device":"rtr-0001","ts":${NOW}}`,
    `{}`,
    `{"type":"poll","device":"rtr-0001","ts":${NOW},"ok":true,"nested":{"constructor":{"prototype":{}}}}`,
    `{"type":"ping","device":"rtr-0001","ts":${NOW},"up":true,"__proto__":{"x":1}}`,
  ];
  return pick(r, forbidden ? all : all.slice(0, -2));
}

function body(r: () => number, n: number, mixed: number): string {
  const samples = Array.from({ length: n }, () => (r() < mixed ? otherSample(r) : ifaceSample(r, r())));
  const agent = r() < 0.97 ? '"agent-1"' : pick(r, ['""', '5', '"' + 'a'.repeat(129) + '"', '"ag\\u0065nt"']);
  const batch = r() < 0.97 ? `"b-${Math.floor(r() * 1e6)}"` : pick(r, ['""', 'null', '"' + 'b'.repeat(201) + '"']);
  const parts = [`"agent":${agent}`, `"batch":${batch}`, `"samples":[${samples.join(',')}]`];
  if (r() < 0.2) parts.sort(() => r() - 0.5);
  if (r() < 0.02) parts.push('"extra":1');
  if (r() < 0.02) parts.pop();
  const sep = r() < 0.8 ? '' : ' \n';
  return `${sep}{${parts.join(`,${sep}`)}}${sep}`;
}

/** The canonical interface sample: what the agents and the benchmark send. */
const canonical = (i: number, over = '') =>
  `{"type":"iface","device":"rtr-${String(i % 7).padStart(5, '0')}","interface":"ether${i % 50}","ts":${NOW - 60_000 + i},"inOctets":"${1_000_000 + i * 977}","outOctets":"${i * 13}","bits":64,"uptime":${360_000 + i},"operUp":${i % 17 !== 0},"speedBps":1000000000${over}}`;

describe('fast-batch: the usual body read from its bytes', () => {
  it('reads canonical bodies, and bodies with samples of every type, as the old way does', () => {
    const plainBody = `{"agent":"agent-1","batch":"b-1","samples":[${Array.from({ length: 500 }, (_, i) => canonical(i)).join(',')}]}`;
    expect(same(plainBody)).toBe(true);
    const r = rng(7);
    const mixed = `{"agent":"agent-1","batch":"b-2","samples":[${Array.from({ length: 200 }, (_, i) => (i % 9 === 4 ? otherSample(r, false) : canonical(i))).join(',')}]}`;
    expect(same(mixed)).toBe(true); // the other samples one by one the old way, the body still read from bytes
    expect(same(`{"agent":"agent-1","batch":"b-3","samples":[]}`)).toBe(true);
    // A 32-bit counter sample, counters above 2^53, and counters as numbers
    expect(same(`{"agent":"a","batch":"b","samples":[${canonical(1).replace('"bits":64', '"bits":32').replace(/"inOctets":"\d+"/, '"inOctets":"4294967295"')},${canonical(2).replace(/"inOctets":"\d+"/, '"inOctets":"18446744073709551615"')},${canonical(3).replace(/"outOctets":"\d+"/, '"outOctets":77')}]}`)).toBe(true);
    const f = fastBatch(bytes(plainBody), NOW, MAX_AGE)!;
    expect(f.batch!.iface.n).toBe(500);
    expect(f.batch!.iface.keys.length).toBe(350); // 7 devices × 50 interfaces seen once per (i mod 350)
    expect(f.newest).toBe(NOW - 60_000 + 499);
  });

  it('reads into pool buffers body after body, big and small, as the old way does (a worker\'s reads)', () => {
    for (const n of [3000, 40, 5000, 1, 2500, 0, 4000]) {
      const text = `{"agent":"agent-1","batch":"p-${n}","samples":[${Array.from({ length: n }, (_, i) => canonical(i + n)).join(',')}]}`;
      expect(same(text)).toBe(true);
    }
    expect(pool.size).toBeGreaterThan(0); // buffers went round
  });

  it('leaves to the old way the bodies it does not read (undefined), whose answers are errors', () => {
    const ok = `"agent":"a","batch":"b","samples":[${canonical(1)}]`;
    for (const text of [
      '',
      '   ',
      `{${ok}`,
      `{${ok}}x`,
      `{${ok},"__proto__":{"a":1}}`,
      `{${ok},"agent":"a"}`,
      `{"agent":"a","samples":[]}`,
      `{"agent":"","batch":"b","samples":[]}`,
      `[1]`,
      `{"agent":"a","batch":"b","samples":[1]}`,
      `{"agent":"a","batch":"b","samples":{}}`,
      `{"agent":"a","batch":"b","samples":[${canonical(1)},]}`,
      `{"agent":"a","batch":"b","samples":[{"type":"ping","device":"r","ts":1,"up":true,"__proto__":{}}]}`,
      `{"agent":"a","batch":"b","samples":[{"type":"ping","constructor":{"prototype":{}}}]}`,
      `{"agent":"a","batch":"b","samples":[{"type":"ping","ts":01}]}`,
      `\ufeff{${ok}}`,
    ]) {
      expect(fastBatch(bytes(text), NOW, MAX_AGE), text).toBeUndefined();
      same(text);
    }
    expect(plain(slowBatch(bytes(`{${ok},"__proto__":{"a":1}}`), NOW, MAX_AGE)).error?.code).toBe('PANTAU_INVALID_JSON');
  });

  it('gives the old way\'s result for 3,000 seeded bodies with odd values, forms and samples', () => {
    const r = rng(12);
    let read = 0;
    for (let t = 0; t < 3000; t++) if (same(body(r, 1 + Math.floor(r() * 12), r() < 0.5 ? 0 : 0.3))) read++;
    expect(read).toBeGreaterThan(2000); // most are read from bytes (refusals and set-asides among them)
  });

  it('gives the old way\'s result or leaves the body to it, for 3,000 seeded byte edits of valid bodies', () => {
    const r = rng(99);
    const alphabet = '{}[]",:\\ 0123456789.-eE\u00e9atfnul\n';
    let read = 0;
    for (let t = 0; t < 3000; t++) {
      const chars = [...body(r, 1 + Math.floor(r() * 4), 0.2)];
      for (let e = 1 + Math.floor(r() * 3); e > 0; e--) {
        const at = Math.floor(r() * chars.length);
        const op = r();
        if (op < 0.4) chars[at] = pick(r, [...alphabet]);
        else if (op < 0.7) chars.splice(at, 1);
        else chars.splice(at, 0, pick(r, [...alphabet]));
      }
      if (same(chars.join(''))) read++;
    }
    expect(read).toBeGreaterThan(300);
  });
});
