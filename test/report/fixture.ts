// A realistic monthly evaluation for a kabupaten's OPDs (deterministic: a seeded generator),
// with daily volumes for the chart. Includes an OPD name with HTML specials and a very long
// one, an OPD without quota, low coverage, flags, and every status and recommendation; with
// the honest-figures fields of protocol/usage.ts: observed span, unobserved ranges,
// recommendation coverage, a basis month without data, suggested volume; and on request OPDs
// without data, a withheld recommendation, the current month in progress with projections
// (one projected over its quota), and a first month of operation (dataSince).
import type { OpdUsage, UsageReport, UsageStatus, Recommendation } from '../../protocol/usage.js';
import { rng } from '../../sim/rng.js';

export interface DailyVolume {
  opd: string;
  days: { date: string; bytes: string }[];
}

const NAMES: [string, string][] = [
  ['setda', 'Sekretariat Daerah'],
  ['dprd', 'Sekretariat DPRD'],
  ['inspektorat', 'Inspektorat'],
  ['bappeda', 'Badan Perencanaan Pembangunan Daerah'],
  ['bapenda', 'Badan Pendapatan Daerah'],
  ['bkpsdm', 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia'],
  ['bpkad', 'Badan Pengelolaan Keuangan dan Aset Daerah'],
  ['bpbd', 'Badan Penanggulangan Bencana Daerah'],
  ['dinkes', 'Dinas Kesehatan'],
  ['rsud', 'RSUD Kabupaten Tangerang'],
  ['disdik', 'Dinas Pendidikan'],
  ['dukcapil', 'Dinas Kependudukan dan Pencatatan Sipil'],
  ['diskominfo', 'Dinas Komunikasi dan Informatika'],
  ['dpmptsp', 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu'],
  ['dp3akb', 'Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana'],
  ['dishub', 'Dinas Perhubungan'],
  ['dpupr', 'Dinas Pekerjaan Umum dan Penataan Ruang'],
  ['dinsos', 'Dinas Sosial'],
  ['dlhk', 'Dinas Lingkungan Hidup dan Kebersihan'],
  ['koperasi', 'Dinas <Koperasi> & UKM "Usaha Mikro"'],
  ['satpolpp', 'Satuan Polisi Pamong Praja'],
  ['disnaker', 'Dinas Ketenagakerjaan'],
  ['disperkimtan', 'Dinas Perumahan, Permukiman dan Pertanahan'],
  ['dispora', 'Dinas Kepemudaan dan Olahraga'],
  ['disbudpar', 'Dinas Kebudayaan dan Pariwisata'],
  ['dpk', 'Dinas Perpustakaan dan Kearsipan'],
  ['kec-balaraja', 'Kecamatan Balaraja'],
  ['kec-cikupa', 'Kecamatan Cikupa'],
  ['kec-curug', 'Kecamatan Curug'],
  ['kec-kelapadua', 'Kecamatan Kelapa Dua'],
  ['kec-pasarkemis', 'Kecamatan Pasar Kemis'],
  ['kec-tigaraksa', 'Kecamatan Tigaraksa'],
  ['kec-teluknaga', 'Kecamatan Teluknaga'],
  ['kec-kosambi', 'Kecamatan Kosambi'],
  ['kec-pagedangan', 'Kecamatan Pagedangan'],
  ['kec-legok', 'Kecamatan Legok'],
  ['kec-cisoka', 'Kecamatan Cisoka'],
  ['kec-mauk', 'Kecamatan Mauk'],
  ['kec-rajeg', 'Kecamatan Rajeg'],
  ['kec-sepatan', 'Kecamatan Sepatan'],
];


const GB = 1_000_000_000n;
const MBPS = 1_000_000;

function monthRange(month: string, offsetHours: number): { from: number; to: number; days: number } {
  const [y, m] = month.split('-').map(Number);
  const from = Date.UTC(y, m - 1, 1) - offsetHours * 3600_000;
  const to = Date.UTC(y, m, 1) - offsetHours * 3600_000;
  return { from, to, days: Math.round((to - from) / 86400_000) };
}

function prevMonths(month: string, n: number): string[] {
  const [y, m] = month.split('-').map(Number);
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

export interface FixtureOptions {
  count?: number;
  month?: string;
  language?: 'id' | 'en';
  seed?: number;
  /** OPD ids with no observation at all this month (status no_data, withheld). */
  noData?: readonly string[];
  /** OPD ids observed too little to judge (coverage 0.3, recommendation withheld). */
  withheld?: readonly string[];
  /** The month is in progress: figures up to this instant, projections for each OPD, `projected_over` for dinkes. */
  inProgressAt?: number;
  /** The store's first sample (the first month of operation). */
  dataSince?: number;
}

/** A UsageReport for `count` OPDs (5..40 named ones; more get numbered Kecamatan-like names). */
export function makeUsageReport(opts: FixtureOptions = {}): UsageReport {
  const month = opts.month ?? '2026-10';
  const count = opts.count ?? 30;
  const lang = opts.language ?? 'id';
  const r = rng(opts.seed ?? 25);
  const { from, to, days } = monthRange(month, 7);
  const opds: OpdUsage[] = [];
  for (let i = 0; i < count; i++) {
    const [opd, name] = NAMES[i] ?? [`kel-${i}`, `Kelurahan Uji Nomor ${i}`];
    const rateMbps = [20, 30, 50, 100, 200][Math.floor(r() * 5)];
    const hasQuota = opd !== 'inspektorat';
    const volumeGB = rateMbps * 40;
    // Utilisation profile: a few hot, a few idle, most in between.
    const util = i === 9 ? 1.18 : i === 8 ? 0.88 : i % 7 === 3 ? 0.15 + r() * 0.1 : 0.35 + r() * 0.5;
    const p95Max = Math.round(rateMbps * MBPS * Math.min(util * (0.9 + r() * 0.15), 1.05));
    const p95In = Math.round(p95Max * (0.92 + r() * 0.08));
    const p95Out = Math.round(p95Max * (0.15 + r() * 0.3));
    const peakMax = Math.round(Math.max(p95Max * (1.1 + r() * 0.3), p95Max + 1));
    const inBytes = (BigInt(volumeGB) * GB * BigInt(Math.round(util * 1_000_000))) / 1_000_000n + BigInt(Math.floor(r() * 1e9));
    const outBytes = (inBytes * BigInt(Math.round(200 + r() * 200))) / 1000n + 123_457n;
    const totalBytes = inBytes + outBytes;
    const usedVol = hasQuota ? Number((totalBytes * 100_000n) / (BigInt(volumeGB) * GB)) / 1000 : undefined;
    const usedRate = hasQuota ? Math.round((p95Max / (rateMbps * MBPS)) * 100_000) / 1000 : undefined;
    const status: UsageStatus =
      usedVol === undefined ? 'ok' : usedVol >= 100 ? 'over' : usedVol > 80 || (usedRate ?? 0) > 90 ? 'warning' : 'ok';
    const action: Recommendation = !hasQuota ? 'keep' : (usedRate ?? 0) > 85 ? 'increase' : (usedRate ?? 100) < 30 ? 'decrease' : 'keep';
    const coverage = i === 12 ? 0.724 : i === 5 ? 0.893 : Math.round((0.97 + r() * 0.03) * 10000) / 10000;
    const basis = prevMonths(month, 3).map((m, k) => {
      const p = Math.round(p95Max * (1 - k * 0.05 * (r() - 0.3)));
      return { month: m, p95Bps: p, usedPctRate: hasQuota ? Math.round((p / (rateMbps * MBPS)) * 1000) / 10 : undefined };
    });
    const suggested = action === 'increase' ? rateMbps * 1.5 * MBPS : action === 'decrease' ? Math.max(10, rateMbps / 2) * MBPS : undefined;
    const pctTxt = (n: number) => (lang === 'id' ? n.toFixed(1).replace('.', ',') : n.toFixed(1));
    const reason = !hasQuota
      ? lang === 'id' ? 'Belum memiliki kuota; tetapkan alokasi berdasarkan p95.' : 'No quota set; set an allocation from the p95.'
      : action === 'increase'
        ? lang === 'id'
          ? `p95 mencapai ${pctTxt(usedRate!)} % dari alokasi ${rateMbps} Mbit/s selama 3 bulan terakhir.`
          : `p95 reached ${pctTxt(usedRate!)} % of the ${rateMbps} Mbit/s allocation over the last 3 months.`
        : action === 'decrease'
          ? lang === 'id'
            ? `p95 hanya ${pctTxt(usedRate!)} % dari alokasi ${rateMbps} Mbit/s selama 3 bulan berturut-turut.`
            : `p95 stayed at ${pctTxt(usedRate!)} % of the ${rateMbps} Mbit/s allocation for 3 months.`
          : lang === 'id'
            ? `p95 ${pctTxt(usedRate!)} % dari alokasi, dalam batas wajar.`
            : `p95 at ${pctTxt(usedRate!)} % of the allocation, within range.`;
    const uplinks = [
      {
        device: `rtr-${opd}`,
        interface: i % 4 === 0 ? 'sfp-sfpplus1' : 'ether1',
        inBytes: inBytes.toString(),
        outBytes: outBytes.toString(),
        coverage,
        flags:
          i === 12
            ? ['32-bit counters polled too slowly for 1000 Mbit/s: wraps cannot be told from resets']
            : [],
      },
    ];
    opds.push({
      opd,
      name,
      inBytes: inBytes.toString(),
      outBytes: outBytes.toString(),
      totalBytes: totalBytes.toString(),
      countedBytes: totalBytes.toString(),
      coverage,
      p95Bps: { inBps: p95In, outBps: p95Out, maxBps: p95Max },
      peakBps: { inBps: peakMax, outBps: Math.round(peakMax * 0.4), maxBps: peakMax },
      quota: hasQuota
        ? { volumeBytes: (BigInt(volumeGB) * GB).toString(), rateBps: rateMbps * MBPS, direction: 'total' }
        : { direction: 'total' },
      usedPct: hasQuota ? { volume: usedVol, rate: usedRate } : {},
      status,
      recommendation: { action, reason, basis, ...(suggested ? { suggestedRateBps: suggested } : {}) },
      uplinks,
    });
  }
  void days;
  const report: UsageReport = { month, timezone: 'Asia/Jakarta', from, to, current: false, state: 'complete', generatedAt: to + 8 * 3600_000, opds };
  honest(report, opts, lang);
  return report;
}

const HOUR = 3600_000;

/** Fills the honest-figures fields, as the evaluation does. */
function honest(r: UsageReport, opts: FixtureOptions, lang: 'id' | 'en'): void {
  const end = opts.inProgressAt ?? r.to;
  if (opts.inProgressAt !== undefined) Object.assign(r, { current: true, state: 'in_progress', generatedAt: opts.inProgressAt });
  if (opts.dataSince !== undefined) r.dataSince = opts.dataSince;
  const start = Math.max(r.from, opts.dataSince ?? r.from);
  r.opds.forEach((o, i) => {
    o.observedFrom = start;
    o.observedTo = end;
    o.recommendation.coverage = o.coverage;
    if (o.coverage < 0.99) {
      const gap = Math.round((1 - o.coverage) * (end - start));
      o.unobserved = [{ from: start + 5 * 24 * HOUR, to: start + 5 * 24 * HOUR + gap }];
    } else o.unobserved = [];
    if (i === 3) o.recommendation.basis[2] = { month: o.recommendation.basis[2].month, p95Bps: 0, noData: true };
    if (o.recommendation.action === 'increase') o.recommendation.suggestedVolumeBytes = ((BigInt(o.quota.volumeBytes ?? '0') * 3n) / 2n).toString();
    if (opts.inProgressAt !== undefined) inProgress(o, r, start, end);
  });
  for (const o of r.opds.filter((x) => opts.withheld?.includes(x.opd))) {
    o.coverage = 0.3;
    o.uplinks.forEach((u) => (u.coverage = 0.3));
    o.recommendation = {
      ...o.recommendation,
      action: 'withheld',
      coverage: 0.3,
      reason: lang === 'id' ? 'Cakupan data 30,0 % di bawah batas 50 %: rekomendasi tidak diberikan.' : 'Data coverage 30.0 % is below the 50 % minimum: no recommendation.',
    };
    delete o.recommendation.suggestedRateBps;
    delete o.recommendation.suggestedVolumeBytes;
  }
  for (const o of r.opds.filter((x) => opts.noData?.includes(x.opd))) noDataOpd(o, r, lang);
  if (r.opds.length && r.opds.every((o) => o.status === 'no_data')) r.state = 'no_data';
}

/** The month so far: figures scaled to the elapsed share of the month, projected back to a full month. */
function inProgress(o: OpdUsage, r: UsageReport, start: number, end: number): void {
  const ppm = BigInt(Math.round(((end - start) / (r.to - r.from)) * 1e6));
  const part = (b: string) => ((BigInt(b) * ppm) / 1_000_000n).toString();
  Object.assign(o, { inBytes: part(o.inBytes), outBytes: part(o.outBytes), totalBytes: part(o.totalBytes), countedBytes: part(o.countedBytes) });
  o.uplinks.forEach((u) => Object.assign(u, { inBytes: part(u.inBytes), outBytes: part(u.outBytes) }));
  const projected = (BigInt(o.countedBytes) * BigInt(r.to - r.from)) / BigInt(end - start);
  o.projectedBytes = projected.toString();
  const quota = o.quota.volumeBytes ? BigInt(o.quota.volumeBytes) : undefined;
  const pct = quota ? Number((projected * 10_000n) / quota) / 100 : undefined;
  if (quota) o.usedPct.volume = Number((BigInt(o.countedBytes) * 100_000n) / quota) / 1000;
  o.projection = { basisFrom: start, basisTo: end, observedDays: Math.round(((end - start) / (24 * HOUR)) * 10) / 10, ...(pct !== undefined ? { pct } : {}) };
  const vol = o.usedPct.volume ?? 0;
  const rate = o.usedPct.rate ?? 0;
  o.status = vol >= 100 || rate >= 100 ? 'over' : (pct ?? 0) > 100 ? 'projected_over' : vol > 80 || rate > 90 ? 'warning' : 'ok';
}

function noDataOpd(o: OpdUsage, r: UsageReport, lang: 'id' | 'en'): void {
  Object.assign(o, {
    inBytes: '0', outBytes: '0', totalBytes: '0', countedBytes: '0', coverage: 0,
    p95Bps: { inBps: 0, outBps: 0, maxBps: 0 }, peakBps: { inBps: 0, outBps: 0, maxBps: 0 }, usedPct: {}, status: 'no_data',
    unobserved: [{ from: r.from, to: Math.min(r.to, r.generatedAt) }],
  });
  delete o.observedFrom;
  delete o.observedTo;
  delete o.projectedBytes;
  delete o.projection;
  o.uplinks.forEach((u) => Object.assign(u, { inBytes: '0', outBytes: '0', coverage: 0 }));
  o.recommendation = {
    action: 'withheld',
    coverage: 0,
    reason: lang === 'id' ? 'Tidak ada data pada bulan ini; alokasi tidak dapat dinilai.' : 'No data this month; the allocation cannot be assessed.',
    basis: o.recommendation.basis.map((b, k) => (k === 0 ? { month: b.month, p95Bps: 0, noData: true } : b)),
  };
}

/** A month with no observation at all: every OPD no_data, state no_data. */
export function makeEmptyReport(opts: FixtureOptions = {}): UsageReport {
  const r = makeUsageReport(opts);
  return makeUsageReport({ ...opts, noData: r.opds.map((o) => o.opd) });
}

/** Daily volumes that sum exactly to each OPD's totalBytes; weekdays busier than weekends. */
export function makeDaily(report: UsageReport, seed = 7): DailyVolume[] {
  const r = rng(seed);
  const [y, m] = report.month.split('-').map(Number);
  const n = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return report.opds.map((o) => {
    const weights = Array.from({ length: n }, (_, d) => {
      const wd = new Date(Date.UTC(y, m - 1, d + 1)).getUTCDay();
      return (wd === 0 || wd === 6 ? 0.25 : 1) * (0.8 + r() * 0.4);
    });
    const sum = weights.reduce((a, b) => a + b, 0);
    const total = BigInt(o.totalBytes);
    let left = total;
    const days = weights.map((w, d) => {
      const b = d === n - 1 ? left : (total * BigInt(Math.round((w / sum) * 1e9))) / 1_000_000_000n;
      left -= b;
      return { date: `${report.month}-${String(d + 1).padStart(2, '0')}`, bytes: b.toString() };
    });
    return { opd: o.opd, days };
  });
}
