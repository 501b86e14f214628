// Quota amounts as people write them: 3000 (GB) or "3 TB", 100 (Mbps) or "1 Gbps". Decimal
// units only (GB = 10^9 bytes, Mbps = 10^6 bit/s, as the report states). A number that reads
// one way in YAML and another in Indonesian notation (12.000, 1,5) is refused with a hint.
import { z } from 'zod';
import type { Document } from 'yaml';
import { isMap, isScalar, isSeq } from 'yaml';

interface Kind {
  key: string;
  noun: string;
  base: string;
  example: string;
  /** Unit → power of ten relative to the key's own unit. */
  units: Record<string, number>;
  /** The unit's first letter in either case (rates: "mbps" is Mbps, but "MBps" is not; volumes: "Gb" would be gigabits). */
  foldPrefix: boolean;
}

export const VOLUME: Kind = { key: 'volumeGB', noun: 'volume', base: 'GB', example: '"3 TB"', units: { MB: -3, GB: 0, TB: 3, PB: 6 }, foldPrefix: false };
export const RATE: Kind = { key: 'rateMbps', noun: 'rate', base: 'Mbps', example: '"1 Gbps"', units: { kbps: -3, Mbps: 0, Gbps: 3 }, foldPrefix: true };

/** `12.000`, `1.500.000`: a thousands separator in Indonesian notation, a decimal point in YAML's. */
const DOTTED_THOUSANDS = /^[1-9]\d{0,2}(\.\d{3})+$/;
const COMMA_THOUSANDS = /^[1-9]\d{0,2}(,\d{3})+$/;

function unitOf(kind: Kind, unit: string): number | undefined {
  const same = (u: string) => (kind.foldPrefix ? u[0].toLowerCase() === unit[0]?.toLowerCase() && u.slice(1) === unit.slice(1) : u === unit);
  for (const [u, exp] of Object.entries(kind.units)) if (same(u)) return exp;
  return undefined;
}

export function thousandsHint(digits: string, sep: '.' | ','): string {
  const whole = digits.split(sep).join('');
  const groups = digits.split(sep).length;
  const decimal = groups === 2 ? `, or ${Number(digits.replace(',', '.'))} if a decimal was meant` : '';
  return `write ${whole} without a thousands separator${decimal}`;
}

/** Parses "3 TB" into the key's unit (3000); otherwise says what is wrong and what was found. */
export function parseQuantity(text: string, kind: Kind): { value: number } | { problem: string } {
  const expected = `expected a ${kind.noun} in ${kind.base} such as ${kind.key === 'volumeGB' ? '3000' : '100'}, or with a unit such as ${kind.example}`;
  const m = /^\s*([+-]?[\d.,]+)\s*([A-Za-z/]*)\s*$/.exec(text);
  if (!m) return { problem: `${expected}, found "${text}"` };
  const [, num, unit] = m;
  if (DOTTED_THOUSANDS.test(num) || COMMA_THOUSANDS.test(num))
    return { problem: `found "${text}": ${num} is ambiguous (Indonesian thousands separator or a decimal point?); ${thousandsHint(num, num.includes(',') ? ',' : '.')}` };
  if (/^\d+,\d+$/.test(num)) return { problem: `found "${text}": write the decimal with a point, "${num.replace(',', '.')}${unit ? ` ${unit}` : ''}"` };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(num)) return { problem: `${expected}, found "${text}"` };
  let exp = 0;
  if (unit) {
    const own = unitOf(kind, unit);
    if (own === undefined) {
      const other = kind === VOLUME ? RATE : VOLUME;
      const what = unitOf(other, unit) !== undefined ? `${unit} is a ${other.noun} unit, not a ${kind.noun}` : `unit ${unit} is not one of ${Object.keys(kind.units).join(', ')}`;
      return { problem: `${expected}; found "${text}" (${what}): drop the unit and give ${kind.base}, or use one of ${Object.keys(kind.units).join(', ')}` };
    }
    exp = own;
  }
  // Shift the decimal point in the text, so "2.3 TB" is exactly 2300, not 2299.9999999999995.
  return { value: Number(`${num}e${exp}`) };
}

/** A quota amount: a number in the key's unit, or a string with a unit. */
export function quantity(kind: Kind) {
  return z
    .union([z.number(), z.string()], { error: `expected a ${kind.noun} in ${kind.base} such as ${kind.key === 'volumeGB' ? '3000' : '100'}, or with a unit such as ${kind.example}` })
    .transform((v, ctx) => {
      if (typeof v === 'number') return v;
      const r = parseQuantity(v, kind);
      if ('problem' in r) {
        ctx.issues.push({ code: 'custom', message: r.problem, input: v });
        return z.NEVER;
      }
      return r.value;
    })
    .pipe(z.number().positive(`expected a ${kind.noun} above 0`).finite());
}

/**
 * Quota numbers whose YAML text has a thousands separator: `volumeGB: 12.000` is read by YAML
 * as 12 but was most likely written as twelve thousand. Only the source text can tell.
 */
export function quotaSourceProblems(doc: Document): string[] {
  const out: string[] = [];
  const opds = doc.get('opds', true);
  if (!isSeq(opds)) return out;
  opds.items.forEach((o, i) => {
    const quota = isMap(o) ? o.get('quota', true) : undefined;
    if (!isMap(quota)) return;
    for (const kind of [VOLUME, RATE]) {
      const v = quota.get(kind.key, true);
      if (!isScalar(v) || typeof v.value !== 'number' || typeof v.source !== 'string') continue;
      const src = v.source.trim();
      if (DOTTED_THOUSANDS.test(src))
        out.push(`opds[${i}].quota.${kind.key}: found ${src}, which YAML reads as ${v.value} but Indonesian notation reads as ${src.split('.').join('')}; ${thousandsHint(src, '.')}`);
    }
  });
  return out;
}
