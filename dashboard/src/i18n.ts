// The display's words in Bahasa Indonesia (default) and English; the choice is kept in
// localStorage so a wall keeps its language across reloads.
export type Lang = 'id' | 'en';

const W = {
  id: {
    title: 'Pantau NOC',
    live: 'Terhubung',
    stale: 'Data basi',
    offline: 'Terputus',
    connecting: 'Menghubungkan…',
    unreachable: 'Kolektor tidak dapat dihubungi sejak',
    reconnecting: 'mencoba lagi…',
    routers: 'Router',
    servers: 'Server',
    backup: 'Cadangan',
    bandwidth: 'Kuota',
    noData: 'tanpa data',
    noQuota: 'tanpa kuota',
    unknown: 'tidak diketahui',
    unhandled: 'Belum ditangani',
    acknowledged: 'Sudah ditangani',
    none: 'Tidak ada masalah',
    ack: 'Tangani',
    ackBy: 'ditangani oleh',
    silenced: 'dibisukan: pemeliharaan',
    more: 'lagi',
    login: 'Masuk operator',
    logout: 'Keluar',
    token: 'Token',
    submit: 'Masuk',
    cancel: 'Batal',
    loginNeeded: 'Tampilan ini perlu token. Buka /?token=TOKEN sekali, atau masuk di sini.',
    refused: 'Token ditolak',
    mute: 'Bunyi: mati',
    unmute: 'Bunyi: hidup',
    snoozed: 'Bunyi: ditunda s.d.',
    snooze: 'Tunda bunyi…',
    snoozeFor: 'Tunda {n} menit',
    snoozeCancel: 'Batalkan tunda',
    ago: 'lalu',
    min: 'mnt',
    hour: 'j',
    day: 'h',
    backupStatus: { ok: 'OK', running: 'berjalan', missing: 'tidak ada', failed: 'gagal', small: 'terlalu kecil', not_configured: 'tidak diatur' } as Record<string, string>,
    usageStatus: { ok: 'OK', warning: 'mendekati', over: 'melebihi', projected_over: 'proyeksi lebih', no_data: 'tidak ada data' } as Record<string, string>,
    rates: 'Laju (Mbit/s)',
    evaluation: 'Evaluasi bulan ini',
    devices: 'Perangkat',
    back: 'Kembali ke dinding',
    inbound: 'masuk',
    outbound: 'keluar',
    state: { up: 'aktif', down: 'mati', warning: 'peringatan', error: 'galat', stale: 'basi', unknown: 'tidak diketahui' } as Record<string, string>,
  },
  en: {
    title: 'Pantau NOC',
    live: 'Live',
    stale: 'Stale data',
    offline: 'Offline',
    connecting: 'Connecting…',
    unreachable: 'Collector unreachable since',
    reconnecting: 'retrying…',
    routers: 'Routers',
    servers: 'Servers',
    backup: 'Backup',
    bandwidth: 'Quota',
    noData: 'no data',
    noQuota: 'no quota',
    unknown: 'unknown',
    unhandled: 'Unhandled',
    acknowledged: 'Acknowledged',
    none: 'No problems',
    ack: 'Acknowledge',
    ackBy: 'acknowledged by',
    silenced: 'silenced: maintenance',
    more: 'more',
    login: 'Operator sign-in',
    logout: 'Sign out',
    token: 'Token',
    submit: 'Sign in',
    cancel: 'Cancel',
    loginNeeded: 'This display needs a token. Open /?token=TOKEN once, or sign in here.',
    refused: 'Token refused',
    mute: 'Sound: off',
    unmute: 'Sound: on',
    snoozed: 'Sound: snoozed until',
    snooze: 'Snooze sound…',
    snoozeFor: 'Snooze {n} min',
    snoozeCancel: 'Cancel snooze',
    ago: 'ago',
    min: 'min',
    hour: 'h',
    day: 'd',
    backupStatus: { ok: 'OK', running: 'running', missing: 'missing', failed: 'failed', small: 'too small', not_configured: 'not configured' } as Record<string, string>,
    usageStatus: { ok: 'OK', warning: 'near quota', over: 'over', projected_over: 'projected over', no_data: 'no data' } as Record<string, string>,
    rates: 'Rate (Mbit/s)',
    evaluation: 'This month\'s evaluation',
    devices: 'Devices',
    back: 'Back to the wall',
    inbound: 'in',
    outbound: 'out',
    state: { up: 'up', down: 'down', warning: 'warning', error: 'error', stale: 'stale', unknown: 'unknown' } as Record<string, string>,
  },
};

export type Words = (typeof W)['id'];

export function initialLang(fallback: string | undefined): Lang {
  const q = new URLSearchParams(location.search).get('lang');
  const saved = q ?? localStorage.getItem('pantau.lang') ?? fallback;
  return saved === 'en' ? 'en' : 'id';
}

export function saveLang(l: Lang): void {
  localStorage.setItem('pantau.lang', l);
}

export const words = (l: Lang): Words => W[l];

/** An age such as "12 mnt" / "3 j" / "2 h". */
export function age(ms: number, w: Words): string {
  const m = Math.max(0, Math.floor(ms / 60_000));
  if (m < 60) return `${m} ${w.min}`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} ${w.hour}`;
  return `${Math.floor(m / 1440)} ${w.day}`;
}

export const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
