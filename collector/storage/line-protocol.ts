// InfluxDB line protocol (1.x `/write`, also taken by VictoriaMetrics), written by hand so that
// counters stay exact: an integer field is `123i` from a bigint, never a float past 2^53.
// https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/

export type FieldValue = bigint | number | boolean;

export interface Point {
  measurement: string;
  /** Tag values that are empty are left out (line protocol has no empty tag value). */
  tags: Record<string, string>;
  /** bigint → integer (`i`); number → float; boolean → true/false. Non-finite numbers are left out. */
  fields: Record<string, FieldValue | undefined>;
  /** Milliseconds since the epoch (written with precision=ms). */
  ts: number;
}

const escMeasurement = (s: string) => s.replace(/[\\,\s]/g, (c) => '\\' + (c === '\n' ? ' ' : c));
const escTag = (s: string) => s.replace(/[\\,=\s]/g, (c) => '\\' + (c === '\n' || c === '\r' || c === '\t' ? ' ' : c));

function field(v: FieldValue): string | undefined {
  if (typeof v === 'bigint') return `${v}i`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (!Number.isFinite(v)) return undefined;
  // A float that happens to be whole is still a float to InfluxDB (no `i`): the field keeps one type.
  return String(v);
}

/** One line, or undefined when the point has no field left to write. */
export function toLine(p: Point): string | undefined {
  const fields: string[] = [];
  for (const [k, v] of Object.entries(p.fields)) {
    if (v === undefined) continue;
    const f = field(v);
    if (f !== undefined) fields.push(`${escTag(k)}=${f}`);
  }
  if (fields.length === 0) return undefined;
  const tags = Object.keys(p.tags)
    .filter((k) => p.tags[k] !== '')
    .sort() // InfluxDB's recommended order: sorted tag keys
    .map((k) => `,${escTag(k)}=${escTag(p.tags[k])}`)
    .join('');
  return `${escMeasurement(p.measurement)}${tags} ${fields.join(',')} ${Math.trunc(p.ts)}`;
}
