// The report's words and numbers in Bahasa Indonesia (the default) and English.
// Sizes are GB (10^9 bytes) computed from bigint byte counts without floating point; rates are
// Mbit/s (10^6 bit/s); id uses "." for thousands and "," for decimals, en the reverse.
import type { Recommendation, UsageStatus } from '../../protocol/usage.js';

export type Language = 'id' | 'en';

const LOCALE: Record<Language, string> = { id: 'id-ID', en: 'en-GB' };

const id = {
  title: 'Evaluasi Penggunaan Bandwidth',
  period: 'Periode',
  timezone: 'Zona waktu',
  generated: 'Dibuat',
  partialMonth: 'Bulan berjalan: angka sampai saat laporan dibuat, dengan proyeksi akhir bulan.',
  recipient: 'Kepada Yth. Tim Koordinasi SPBE',
  purpose:
    'Hasil pemantauan dan evaluasi penggunaan bandwidth setiap Perangkat Daerah selama satu bulan, disampaikan sebagai bahan perencanaan kebutuhan bandwidth pemerintah daerah.',
  summary: 'Ringkasan untuk Tim Koordinasi',
  kpiOpds: 'Perangkat Daerah dievaluasi',
  kpiVolume: 'Total volume',
  kpiOver: 'Melebihi kuota',
  kpiWarning: 'Mendekati kuota',
  kpiIncrease: 'Disarankan dinaikkan',
  kpiDecrease: 'Disarankan diturunkan',
  attention: 'Perlu perhatian',
  noAttention: 'Tidak ada Perangkat Daerah yang melebihi atau mendekati kuota.',
  recommendations: 'Rekomendasi perubahan alokasi',
  noRecommendations: 'Semua alokasi disarankan tetap.',
  chartUsage: 'Pemakaian terhadap kuota per Perangkat Daerah',
  chartUsageNote: 'Batang atas: volume bulanan terhadap kuota volume; batang bawah: laju p95 terhadap kuota laju. Garis putus-putus: 80 % dan 100 %.',
  chartDaily: 'Volume harian per Perangkat Daerah',
  chartDailyNote: 'Skala tiap grafik mengikuti hari tersibuk Perangkat Daerah tersebut.',
  table: 'Tabel evaluasi',
  details: 'Lampiran: rincian per Perangkat Daerah',
  opd: 'Perangkat Daerah',
  allocation: 'Alokasi',
  used: 'Terpakai',
  usedPctVolume: '% volume',
  usedPctRate: '% laju',
  p95: 'Laju p95',
  peak: 'Puncak',
  coverage: 'Cakupan data',
  coverageShort: 'Cakupan',
  status: 'Status',
  recommendation: 'Rekomendasi',
  reason: 'Alasan',
  noQuota: 'tanpa kuota',
  in: 'Masuk',
  out: 'Keluar',
  total: 'Total',
  counted: 'Dihitung terhadap kuota',
  direction: 'Arah yang dihitung',
  projected: 'Proyeksi akhir bulan',
  suggestedRate: 'Usulan alokasi laju',
  history: 'Riwayat p95 (bulan terbaru dahulu)',
  ofRate: 'dari kuota laju',
  ofVolume: 'dari kuota volume',
  month: 'Bulan',
  uplinks: 'Uplink',
  flags: 'Catatan kualitas data',
  lowCoverage: 'Cakupan data di bawah 90 %: volume tetap lengkap (penghitung kumulatif), tetapi p95 dan puncak kurang andal.',
  legendVolume: 'Volume',
  legendRate: 'Laju p95',
  footer: 'Dihasilkan otomatis oleh Pantau',
  page: 'Halaman',
  of: 'dari',
  subject: 'Evaluasi Penggunaan Bandwidth',
  mailIntro: 'Terlampir evaluasi penggunaan bandwidth Perangkat Daerah periode',
  mailAttachments: 'Lampiran: laporan PDF dan data CSV.',
  dirs: { total: 'masuk + keluar', in: 'masuk', out: 'keluar', max: 'arah terbesar' },
  statusName: { ok: 'Normal', warning: 'Mendekati kuota', over: 'Melebihi kuota', projected_over: 'Diproyeksikan melampaui kuota', no_data: 'Data tidak tersedia' } as Record<UsageStatus, string>,
  actionName: { increase: 'Naikkan', keep: 'Pertahankan', decrease: 'Turunkan', withheld: 'Tidak dapat dinilai' } as Record<Recommendation, string>,
};

export type Strings = typeof id;

const en: Strings = {
  title: 'Bandwidth Usage Evaluation',
  period: 'Period',
  timezone: 'Time zone',
  generated: 'Generated',
  partialMonth: 'Current month: figures up to the time of this report, with a month-end projection.',
  recipient: 'To: the SPBE Coordination Team',
  purpose:
    "Monitoring and evaluation of each department's bandwidth use over one month, submitted as input for planning the regional government's bandwidth needs.",
  summary: 'Summary for the Coordination Team',
  kpiOpds: 'Departments evaluated',
  kpiVolume: 'Total volume',
  kpiOver: 'Over quota',
  kpiWarning: 'Near quota',
  kpiIncrease: 'Increase advised',
  kpiDecrease: 'Decrease advised',
  attention: 'Needs attention',
  noAttention: 'No department is over or near its quota.',
  recommendations: 'Recommended allocation changes',
  noRecommendations: 'All allocations are recommended to stay as they are.',
  chartUsage: 'Use against quota per department',
  chartUsageNote: 'Upper bar: monthly volume against the volume quota; lower bar: p95 rate against the rate quota. Dashed lines: 80 % and 100 %.',
  chartDaily: 'Daily volume per department',
  chartDailyNote: "Each chart is scaled to that department's busiest day.",
  table: 'Evaluation table',
  details: 'Annex: details per department',
  opd: 'Department',
  allocation: 'Allocation',
  used: 'Used',
  usedPctVolume: '% volume',
  usedPctRate: '% rate',
  p95: 'p95 rate',
  peak: 'Peak',
  coverage: 'Data coverage',
  coverageShort: 'Coverage',
  status: 'Status',
  recommendation: 'Recommendation',
  reason: 'Reason',
  noQuota: 'no quota',
  in: 'In',
  out: 'Out',
  total: 'Total',
  counted: 'Counted against quota',
  direction: 'Direction counted',
  projected: 'Projected at month end',
  suggestedRate: 'Suggested rate allocation',
  history: 'p95 history (newest first)',
  ofRate: 'of rate quota',
  ofVolume: 'of volume quota',
  month: 'Month',
  uplinks: 'Uplinks',
  flags: 'Data quality notes',
  lowCoverage: 'Data coverage below 90 %: volume is still complete (counters are cumulative) but p95 and peak are less reliable.',
  legendVolume: 'Volume',
  legendRate: 'p95 rate',
  footer: 'Generated automatically by Pantau',
  page: 'Page',
  of: 'of',
  subject: 'Bandwidth Usage Evaluation',
  mailIntro: 'Attached is the evaluation of bandwidth use per department for',
  mailAttachments: 'Attachments: PDF report and CSV data.',
  dirs: { total: 'in + out', in: 'in', out: 'out', max: 'larger direction' },
  statusName: { ok: 'Normal', warning: 'Near quota', over: 'Over quota', projected_over: 'Projected over quota', no_data: 'No data' },
  actionName: { increase: 'Increase', keep: 'Keep', decrease: 'Decrease', withheld: 'Cannot be assessed' },
};

const STRINGS: Record<Language, Strings> = { id, en };

export function strings(lang: Language): Strings {
  return STRINGS[lang] ?? id;
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

export function formatNumber(n: number, lang: Language, decimals = 1): string {
  return new Intl.NumberFormat(LOCALE[lang], { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(n);
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

/** An instant in the deployment's zone: "1 November 2026 08.00 WIB" style. */
export function formatInstant(ms: number, timezone: string, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: timezone,
  }).format(new Date(ms)) + ` (${timezone})`;
}

/** Mail subject: "Evaluasi Penggunaan Bandwidth 2026-10". */
export function subjectFor(month: string, lang: Language, deployment?: string): string {
  const s = `${strings(lang).subject} ${month}`;
  return deployment ? `${s} – ${deployment}` : s;
}
