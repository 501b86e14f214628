// What makes the evaluation a document rather than a printout: who issues it (letterhead,
// logo, signatory), its number, its legal basis and the thresholds its method states. Built
// once from the collector config and shared by the HTML, the PDF and the e-mail.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { IssuerSettings, ReportSettings } from '../../config/report.js';
import type { Logger } from '../../log/logger.js';
import type { DailySeries } from './charts.js';
import type { Language } from './i18n.js';
import type { MethodFigures } from './words.js';

export interface Logo {
  mime: 'image/png' | 'image/jpeg' | 'image/svg+xml';
  data: Buffer;
}

export interface DocumentOptions {
  language: Language;
  /** Letterhead and signature block; without it the report names no office and has no signature. */
  issuer?: IssuerSettings;
  /** The logo file's content (see loadLogo). */
  logo?: Logo;
  /** Pattern with {YYYY}, {MM}, {ROMAN}; no number without it. */
  documentNumber?: string;
  /** Legal basis text; Tangerang's Pasal 25 when absent. */
  legalBasis?: string;
  /** Thresholds stated in "Dasar dan metode"; the section leaves them out when absent. */
  method?: MethodFigures;
  /** Daily volume per OPD for the daily chart; the chart is left out without it. */
  daily?: DailySeries[];
}

const MIME: Record<string, Logo['mime']> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', svg: 'image/svg+xml' };

/** Reads the logo file (relative to `baseDir`); a missing or unreadable file is logged and left out. */
export function loadLogo(file: string | undefined, baseDir: string, logger?: Logger): Logo | undefined {
  if (!file) return undefined;
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  const mime = MIME[path.slice(path.lastIndexOf('.') + 1).toLowerCase()];
  try {
    const data = readFileSync(path);
    if (!mime || data.length === 0) throw new Error('empty file or unknown type');
    return { mime, data };
  } catch (err) {
    logger?.warn({ file: path, err: (err as Error).message }, 'report.issuer.logo could not be read; the report goes out without a logo');
    return undefined;
  }
}

/** The document options a config gives: the `report` section and the `evaluation` thresholds. */
export function documentOptions(
  report: ReportSettings,
  opts: { language?: Language; evaluation?: MethodFigures; baseDir?: string; daily?: DailySeries[]; logger?: Logger },
): DocumentOptions {
  return {
    language: opts.language ?? report.language,
    issuer: report.issuer,
    logo: loadLogo(report.issuer?.logo, opts.baseDir ?? process.cwd(), opts.logger),
    documentNumber: report.documentNumber,
    legalBasis: report.legalBasis,
    method: opts.evaluation,
    daily: opts.daily,
  };
}
