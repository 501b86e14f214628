// The report's words in Bahasa Indonesia (the default) and English. Numbers and dates are
// formatted in i18n.ts; sentences with figures are functions here so word order can differ.
import type { Recommendation, UsageStatus } from '../../protocol/usage.js';

/** Tangerang's Perbup 41/2023 Pasal 25 (2)–(4), as enacted: the default legal basis. */
export const TANGERANG_PASAL_25 =
  'Peraturan Bupati Tangerang Nomor 41 Tahun 2023, Pasal 25: ' +
  '(2) Kebutuhan Bandwidth diusulkan oleh Perangkat Daerah dan ditetapkan oleh Dinas berdasarkan skala prioritas. ' +
  '(3) Pemantauan dan evaluasi penggunaan Bandwidth dilakukan oleh Dinas melalui sistem otomatis dan dievaluasi setiap bulan. ' +
  '(4) Hasil evaluasi sebagaimana dimaksud pada ayat (3) disampaikan kepada Tim Koordinasi SPBE sebagai bahan perencanaan kebutuhan Bandwidth Pemerintah Daerah.';

/** The thresholds the method section states (config `evaluation`); absent ones are not mentioned. */
export interface MethodFigures {
  warnVolumePct: number;
  warnRatePct: number;
  increaseAbovePct: number;
  increaseMonths: number;
  decreaseBelowPct: number;
  months: number;
  coverageMaxGapSeconds: number;
  minCoveragePct?: number;
  projectAfterDays?: number;
}

const id = {
  title: 'Evaluasi Penggunaan Bandwidth',
  period: 'Periode',
  timezone: 'Zona waktu',
  generated: 'Dibuat',
  number: 'Nomor',
  subjectLabel: 'Perihal',
  recipient: 'Kepada Yth. Tim Koordinasi SPBE',
  purpose:
    'Hasil pemantauan dan evaluasi penggunaan bandwidth setiap Perangkat Daerah selama satu bulan, disampaikan sebagai bahan perencanaan kebutuhan bandwidth pemerintah daerah.',
  provisional: 'sementara, s.d.',
  provisionalNotice: (until: string) =>
    `Bulan berjalan: angka sementara, s.d. ${until}. Angka akan berubah sampai akhir bulan; proyeksi akhir bulan disebut beserta dasarnya.`,
  noDataMonth:
    'Tidak ada data pemantauan untuk periode ini: tidak satu pun Perangkat Daerah teramati. Laporan ini tidak memuat angka pemakaian maupun rekomendasi.',
  noDataBandwidth:
    'Tidak ada data bandwidth untuk periode ini: tidak satu pun uplink Perangkat Daerah teramati, sehingga bagian evaluasi bandwidth tidak memuat angka pemakaian maupun rekomendasi (no_data). Bagian pencadangan dan ketersediaan server tetap disajikan dari data yang teramati.',
  dataSince: (since: string) => `Pemantauan oleh Pantau berjalan sejak ${since}; sebelum itu tidak ada data, dan angka bulan ini hanya mencakup waktu sesudahnya.`,
  summary: 'Ringkasan untuk Tim Koordinasi',
  kpiOpds: 'Perangkat Daerah dievaluasi',
  kpiVolume: 'Total volume',
  kpiOver: 'Melebihi kuota',
  kpiWarning: 'Mendekati kuota',
  kpiProjected: 'Diproyeksikan melampaui',
  kpiNoData: 'Tanpa data',
  kpiIncrease: 'Disarankan dinaikkan',
  kpiDecrease: 'Disarankan diturunkan',
  attention: 'Perlu perhatian',
  noAttention: 'Tidak ada Perangkat Daerah yang melebihi, mendekati atau diproyeksikan melampaui kuota.',
  noDataList: 'Perangkat Daerah tanpa data',
  recommendations: 'Rekomendasi perubahan alokasi',
  noRecommendations: 'Tidak ada rekomendasi perubahan alokasi.',
  chartUsage: 'Pemakaian terhadap kuota per Perangkat Daerah',
  chartUsageNote: 'Batang atas: volume bulanan terhadap kuota volume; batang bawah: laju p95 terhadap kuota laju. Garis putus-putus: ambang peringatan dan 100 %.',
  chartDaily: 'Volume harian per Perangkat Daerah',
  chartDailyNote: 'Skala tiap grafik mengikuti hari tersibuk Perangkat Daerah tersebut.',
  weekday: 'Hari kerja',
  weekend: 'Sabtu dan Minggu',
  perDay: 'GB/hari',
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
  noData: 'Data tidak tersedia',
  in: 'Masuk',
  out: 'Keluar',
  total: 'Total',
  counted: 'Dihitung terhadap kuota',
  projected: 'Proyeksi akhir bulan',
  projectionBasis: (days: string, from: string, to: string) => `dari ${days} hari teramati (${from} – ${to})`,
  noProjection: 'belum ada proyeksi',
  suggestedRate: 'Usulan laju',
  suggestedVolume: 'Usulan volume',
  recCoverage: 'Cakupan dasar rekomendasi',
  history: 'Dasar rekomendasi (bulan terbaru dahulu)',
  noDataShort: 'tanpa data',
  ofRate: 'dari kuota laju',
  ofVolume: 'dari kuota volume',
  observed: 'Teramati',
  unobserved: 'Tidak teramati',
  uplinks: 'Uplink',
  flags: 'Catatan kualitas data',
  lowCoverage: 'Cakupan data di bawah 90 %: p95 dan puncak kurang andal; volume hanya mencakup waktu sejak sampel pertama.',
  legendVolume: 'Volume',
  legendRate: 'Laju p95',
  method: 'Dasar dan metode',
  legalBasis: 'Dasar hukum',
  methodHow: 'Cara menghitung',
  methodVolume: 'Volume: jumlah kenaikan penghitung oktet antarmuka (SNMP IF-MIB) di setiap uplink antara dua sampel berurutan, masuk dan keluar; penghitung yang diatur ulang atau di-reboot dihitung dari nilai barunya, dan kenaikan yang melintasi batas bulan dibagi menurut waktu. 1 GB = 10⁹ byte; 1 Mbit/s = 10⁶ bit/s.',
  methodP95: 'Laju p95: persentil ke-95 (nearest rank) dari laju rata-rata 5 menit pada arah yang lebih besar; puncak: laju 5 menit terbesar.',
  methodCoverage: (gap: number) =>
    `Cakupan data: bagian bulan (sampai saat laporan dibuat) yang memiliki sampel; selang antarsampel lebih dari ${gap} detik dihitung volumenya tetapi tidak cakupannya. Waktu sebelum sampel pertama tidak teramati dan tidak tercakup dalam volume.`,
  methodProjection: (days?: number) =>
    `Proyeksi akhir bulan (hanya bulan berjalan): volume terhitung dibagi waktu yang telah berlalu, dikalikan panjang bulan${days !== undefined ? `; dibuat setelah sedikitnya ${days} hari bulan itu teramati` : ''}.`,
  methodStatus: (f: MethodFigures) =>
    `Status: "Melebihi kuota" bila volume ≥ 100 % kuota volume atau p95 ≥ kuota laju; "Mendekati kuota" bila volume di atas ${f.warnVolumePct} % atau p95 di atas ${f.warnRatePct} % kuota laju; "Diproyeksikan melampaui kuota" bila proyeksi bulan berjalan melewati 100 %; "Data tidak tersedia" bila tidak ada sampel sama sekali.`,
  methodRecommendation: (f: MethodFigures) =>
    `Rekomendasi: naikkan bila p95 di atas ${f.increaseAbovePct} % kuota laju pada sedikitnya ${f.increaseMonths} dari ${f.months} bulan terakhir; turunkan bila p95 di bawah ${f.decreaseBelowPct} % pada setiap bulan itu; selain itu pertahankan.${f.minCoveragePct !== undefined ? ` Bila cakupan data di bawah ${f.minCoveragePct} %, rekomendasi tidak diberikan ("Tidak dapat dinilai").` : ''}`,
  signedAt: (city: string, date: string) => `${city}, ${date}`,
  nip: 'NIP',
  footer: 'Dihasilkan otomatis oleh Pantau',
  page: 'Halaman',
  of: 'dari',
  mailIntro: (period: string) => `Dengan hormat, bersama ini kami sampaikan evaluasi penggunaan bandwidth Perangkat Daerah periode ${period}.`,
  mailAttached: 'Terlampir',
  mailPdf: 'laporan lengkap (PDF, ukuran A4, siap diarsipkan)',
  mailHtml: 'laporan lengkap (HTML, ukuran A4, dapat dicetak dari peramban)',
  mailCsv: 'data per Perangkat Daerah (CSV)',
  mailPdfFailed: 'Laporan PDF tidak dapat dibuat di server (Chromium tidak tersedia atau gagal); laporan lengkap disertakan dalam bentuk HTML.',
  mailChartsFailed: 'Grafik tidak dapat dibuat di server (Chromium tidak tersedia); angka lengkap ada pada tabel di bawah.',
  mailAllOpds: 'Semua Perangkat Daerah',
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
  number: 'Number',
  subjectLabel: 'Subject',
  recipient: 'To: the SPBE Coordination Team',
  purpose:
    "Monitoring and evaluation of each department's bandwidth use over one month, submitted as input for planning the regional government's bandwidth needs.",
  provisional: 'provisional, up to',
  provisionalNotice: (until: string) =>
    `Current month: provisional figures up to ${until}. They change until the month ends; the month-end projection is given with its basis.`,
  noDataMonth: 'No monitoring data for this period: no department was observed. This report holds no usage figures and no recommendations.',
  noDataBandwidth:
    'No bandwidth data for this period: no department uplink was observed, so the bandwidth evaluation holds no usage figures and no recommendations (no_data). The backup and server availability sections are still given from what was observed.',
  dataSince: (since: string) => `Pantau has been monitoring since ${since}; there is no data before that, and this month's figures cover only the time after it.`,
  summary: 'Summary for the Coordination Team',
  kpiOpds: 'Departments evaluated',
  kpiVolume: 'Total volume',
  kpiOver: 'Over quota',
  kpiWarning: 'Near quota',
  kpiProjected: 'Projected over',
  kpiNoData: 'No data',
  kpiIncrease: 'Increase advised',
  kpiDecrease: 'Decrease advised',
  attention: 'Needs attention',
  noAttention: 'No department is over, near or projected over its quota.',
  noDataList: 'Departments without data',
  recommendations: 'Recommended allocation changes',
  noRecommendations: 'No allocation change is recommended.',
  chartUsage: 'Use against quota per department',
  chartUsageNote: 'Upper bar: monthly volume against the volume quota; lower bar: p95 rate against the rate quota. Dashed lines: the warning threshold and 100 %.',
  chartDaily: 'Daily volume per department',
  chartDailyNote: "Each chart is scaled to that department's busiest day.",
  weekday: 'Weekday',
  weekend: 'Saturday and Sunday',
  perDay: 'GB/day',
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
  noData: 'No data',
  in: 'In',
  out: 'Out',
  total: 'Total',
  counted: 'Counted against quota',
  projected: 'Projected at month end',
  projectionBasis: (days: string, from: string, to: string) => `from ${days} observed days (${from} – ${to})`,
  noProjection: 'no projection yet',
  suggestedRate: 'Suggested rate',
  suggestedVolume: 'Suggested volume',
  recCoverage: 'Coverage behind the recommendation',
  history: 'Basis of the recommendation (newest first)',
  noDataShort: 'no data',
  ofRate: 'of rate quota',
  ofVolume: 'of volume quota',
  observed: 'Observed',
  unobserved: 'Not observed',
  uplinks: 'Uplinks',
  flags: 'Data quality notes',
  lowCoverage: 'Data coverage below 90 %: p95 and peak are less reliable; the volume covers only the time since the first sample.',
  legendVolume: 'Volume',
  legendRate: 'p95 rate',
  method: 'Basis and method',
  legalBasis: 'Legal basis',
  methodHow: 'How the figures are computed',
  methodVolume: 'Volume: the sum of the interface octet counter increases (SNMP IF-MIB) on every uplink between consecutive samples, in and out; a counter that was reset or rebooted counts from its new value, and an increase straddling the month boundary is split by time. 1 GB = 10⁹ bytes; 1 Mbit/s = 10⁶ bit/s.',
  methodP95: 'p95 rate: the 95th percentile (nearest rank) of the 5-minute average rates of the larger direction; peak: the largest 5-minute rate.',
  methodCoverage: (gap: number) =>
    `Data coverage: the share of the month (up to the time of the report) that had samples; samples more than ${gap} seconds apart count their volume but not coverage. Time before the first sample is not observed and not included in the volume.`,
  methodProjection: (days?: number) =>
    `Month-end projection (current month only): counted volume divided by the time elapsed, times the length of the month${days !== undefined ? `; made once at least ${days} days of the month are observed` : ''}.`,
  methodStatus: (f: MethodFigures) =>
    `Status: "Over quota" when volume ≥ 100 % of the volume quota or p95 ≥ the rate quota; "Near quota" when volume is above ${f.warnVolumePct} % or p95 above ${f.warnRatePct} % of the rate quota; "Projected over quota" when the current month's projection passes 100 %; "No data" when there is no sample at all.`,
  methodRecommendation: (f: MethodFigures) =>
    `Recommendation: increase when p95 is above ${f.increaseAbovePct} % of the rate quota in at least ${f.increaseMonths} of the last ${f.months} months; decrease when p95 is below ${f.decreaseBelowPct} % in every one of them; otherwise keep.${f.minCoveragePct !== undefined ? ` Below ${f.minCoveragePct} % data coverage no recommendation is made ("Cannot be assessed").` : ''}`,
  signedAt: (city: string, date: string) => `${city}, ${date}`,
  nip: 'NIP',
  footer: 'Generated automatically by Pantau',
  page: 'Page',
  of: 'of',
  mailIntro: (period: string) => `Please find the evaluation of bandwidth use per department for ${period}.`,
  mailAttached: 'Attached',
  mailPdf: 'the full report (PDF, A4, ready to file)',
  mailHtml: 'the full report (HTML, A4, printable from a browser)',
  mailCsv: 'the figures per department (CSV)',
  mailPdfFailed: 'The PDF report could not be made on the server (Chromium missing or failed); the full report is attached as HTML instead.',
  mailChartsFailed: 'The charts could not be drawn on the server (Chromium missing); the full figures are in the table below.',
  mailAllOpds: 'All departments',
  dirs: { total: 'in + out', in: 'in', out: 'out', max: 'larger direction' },
  statusName: { ok: 'Normal', warning: 'Near quota', over: 'Over quota', projected_over: 'Projected over quota', no_data: 'No data' },
  actionName: { increase: 'Increase', keep: 'Keep', decrease: 'Decrease', withheld: 'Cannot be assessed' },
};

export const WORDS: Record<'id' | 'en', Strings> = { id, en };
