// The report's words and numbers in Bahasa Indonesia (the default) and English.
// Sizes are GB (10^9 bytes) computed from bigint byte counts without floating point; rates are
// Mbit/s (10^6 bit/s); id uses "." for thousands and "," for decimals, en the reverse.
import { WORDS, type Strings } from './words.js';

export type { Strings };

export type Language = 'id' | 'en';

const LOCALE: Record<Language, string> = { id: 'id-ID', en: 'en-GB' };

const STRINGS: Record<Language, Strings> = WORDS;

export function strings(lang: Language): Strings {
  return STRINGS[lang] ?? STRINGS.id;
}

/** Groups the digits of a non-negative integer string with the language's thousands separator. */
function group(digits: string, lang: Language): string {
  const sep = lang === 'id' ? '.' : ',';
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/**
 * Bytes (bigint or decimal string) as GB with `decimals` places, rounded half up, exactly:
 * 1234567890123 bytes → "1.234,57" (id) / "1,234.57" (en). No unit.
 */
export function formatGB(bytes: string | bigint, lang: Language, decimals = 2): string {
  let b = typeof bytes === 'bigint' ? bytes : BigInt(bytes);
  const neg = b < 0n;
  if (neg) b = -b;
  const scale = 10n ** BigInt(decimals);
  const unit = 1_000_000_000n;
  const scaled = (b * scale + unit / 2n) / unit; // round half up
  const int = (scaled / scale).toString();
  const frac = (scaled % scale).toString().padStart(decimals, '0');
  const dec = lang === 'id' ? ',' : '.';
  return (neg ? '-' : '') + group(int, lang) + (decimals > 0 ? dec + frac : '');
}

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(n: number, lang: Language, decimals = 1): string {
  // One formatter per language and decimals: making one costs far more than formatting with it
  // (the month's evaluation formats thousands of figures).
  const key = `${lang}:${decimals}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(LOCALE[lang], { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
  return f.format(n);
}

/** bit/s as Mbit/s, no unit: 87_654_321 → "87,7" (id). */
export function formatMbps(bps: number, lang: Language, decimals = 1): string {
  return formatNumber(bps / 1e6, lang, decimals);
}

/** A percentage already in percent (85.3 → "85,3 %" in id, "85.3 %" in en). */
export function formatPct(pct: number | undefined, lang: Language, decimals = 1): string {
  if (pct === undefined || !Number.isFinite(pct)) return '–';
  return `${formatNumber(pct, lang, decimals)}\u00a0%`; // no break between number and sign
}

/** A fraction 0..1 as a percentage (coverage). */
export function formatFraction(f: number, lang: Language, decimals = 1): string {
  return formatPct(f * 100, lang, decimals);
}

/** "2026-10" → "Oktober 2026" / "October 2026". */
export function formatMonth(month: string, lang: Language): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(LOCALE[lang], { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}

/** "2026-10-05" → "5 Okt" / "5 Oct". */
export function formatDay(date: string, lang: Language): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat(LOCALE[lang], { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** An instant in the deployment's zone: "1 November 2026 08.00 (Asia/Jakarta)" style. */
export function formatInstant(ms: number, timezone: string, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: timezone,
  }).format(new Date(ms)) + ` (${timezone})`;
}

/** A date in the zone: "1 Desember 2026" / "1 December 2026". */
export function formatDate(ms: number, timezone: string, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: timezone }).format(new Date(ms));
}

/** "WIB", "WITA", "WIT" for Indonesia's zones; the IANA name elsewhere. */
export function zoneName(timezone: string): string {
  const part = new Intl.DateTimeFormat('id-ID', { timeZone: timezone, timeZoneName: 'short' })
    .formatToParts(new Date(0))
    .find((p) => p.type === 'timeZoneName')?.value;
  return part && !part.startsWith('GMT') ? part : timezone;
}

/** A short instant for running text: "14 Des pukul 14.25 WIB" / "14 Dec, 14:25 WIB". */
export function formatMoment(ms: number, timezone: string, lang: Language): string {
  const parts = new Intl.DateTimeFormat(LOCALE[lang], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: timezone }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const time = lang === 'id' ? `${get('hour')}.${get('minute')}` : `${get('hour')}:${get('minute')}`;
  return lang === 'id' ? `${get('day')} ${get('month')} pukul ${time} ${zoneName(timezone)}` : `${get('day')} ${get('month')}, ${time} ${zoneName(timezone)}`;
}

/** "XI" for "2026-11": Indonesian letter numbers carry the month in Roman numerals. */
export function romanMonth(month: string): string {
  return ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'][Number(month.slice(5, 7)) - 1] ?? '';
}

/** The document number from its pattern: {YYYY}, {MM}, {ROMAN} of the report month. */
export function documentNumber(pattern: string, month: string): string {
  return pattern.replaceAll('{YYYY}', month.slice(0, 4)).replaceAll('{MM}', month.slice(5, 7)).replaceAll('{ROMAN}', romanMonth(month));
}

/** Mail subject: "Evaluasi Penggunaan Bandwidth — November 2026" (and "(sementara)" for the current month). */
export function subjectFor(month: string, lang: Language, provisional = false): string {
  const s = `${strings(lang).title} — ${formatMonth(month, lang)}`;
  return provisional ? `${s} (${lang === 'id' ? 'sementara' : 'provisional'})` : s;
}
