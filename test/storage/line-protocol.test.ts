import { describe, expect, it } from 'vitest';
import { toLine } from '../../collector/storage/line-protocol.js';

describe('line protocol', () => {
  it('writes a 64-bit counter exactly as an integer field', () => {
    expect(toLine({ measurement: 'm', tags: {}, fields: { in_bytes: 2n ** 64n - 1n }, ts: 1 })).toBe('m in_bytes=18446744073709551615i 1');
  });

  it('sorts tags, escapes commas, spaces and equals signs, and leaves out empty tags', () => {
    expect(toLine({ measurement: 'pantau usage,5m', tags: { opd: '', interface: 'Gi0/1, uplink=a b', deployment: 'kab-uji' }, fields: { up: 1n }, ts: 5 })).toBe(
      'pantau\\ usage\\,5m,deployment=kab-uji,interface=Gi0/1\\,\\ uplink\\=a\\ b up=1i 5',
    );
  });

  it('writes floats and booleans, leaves out undefined and non-finite fields, and writes nothing without a field', () => {
    expect(toLine({ measurement: 'm', tags: { a: 'x' }, fields: { f: 0.5, g: 2, b: true, u: undefined, n: NaN }, ts: 7 })).toBe('m,a=x f=0.5,g=2,b=true 7');
    expect(toLine({ measurement: 'm', tags: {}, fields: { u: undefined, n: Infinity }, ts: 7 })).toBeUndefined();
  });
});

describe('central store endpoint', () => {
  it('appends write/query to the configured base, keeping a path prefix (VictoriaMetrics cluster)', async () => {
    const { endpoint } = await import('../../collector/storage/influx.js');
    expect(endpoint('http://127.0.0.1:8086', 'write').href).toBe('http://127.0.0.1:8086/write');
    expect(endpoint('http://vminsert:8480/insert/0/influx/', 'write').href).toBe('http://vminsert:8480/insert/0/influx/write');
    expect(endpoint('http://vminsert:8480/insert/0/influx', 'query').href).toBe('http://vminsert:8480/insert/0/influx/query');
  });
});
