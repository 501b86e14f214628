// A realistic monthly evaluation for a kabupaten's OPDs (deterministic: a seeded generator),
// with daily volumes for the chart. Includes an OPD name with HTML specials and a very long
// one, an OPD without quota, low coverage, flags, and every status and recommendation.
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
  return { month, timezone: 'Asia/Jakarta', from, to, current: false, generatedAt: to + 8 * 3600_000, opds };
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
