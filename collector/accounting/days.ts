// How much of a month is observed, in words of the report's language.
import type { Language } from '../report/i18n.js';

/** Indonesian unless `lang` is 'en'. "14 jam" / "2,5 hari" (id), "14 hours" / "2.5 days" / "1 day" (en): how much of a month is observed. */
export function formatDays(days: number, lang?: Language): string {
  if (days < 1) {
    const h = Math.floor(days * 24);
    return lang === 'en' ? `${h} hour${h === 1 ? '' : 's'}` : `${h} jam`;
  }
  const d = (Math.floor(days * 10) / 10).toString();
  return lang === 'en' ? `${d} day${d === '1' ? '' : 's'}` : `${d.replace('.', ',')} hari`;
}
