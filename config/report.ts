// The `report:` section of the collector config: when the monthly evaluation is e-mailed, to
// whom, and what makes it a document an office can file (letterhead, signatory, document
// number, legal basis). Documented in config/examples/collector.yaml and collector/report/README.md.
import { z } from 'zod';
import cron from 'node-cron';

const cronExpr = z.string().refine((s) => cron.validate(s), 'expected a cron expression such as "0 8 1 * *"');

/** The placeholders a document number may hold: the report month's year, month, month in Roman numerals. */
export const DOCUMENT_NUMBER_TOKENS = ['YYYY', 'MM', 'ROMAN'] as const;

const MAILBOX = /^\s*(?:"?([^"<>]*?)"?\s*<([^<>\s]+)>|([^<>\s"]+))\s*$/;

/** "NOC Diskominfo <noc@x.go.id>" → { name: "NOC Diskominfo", address: "noc@x.go.id" }; undefined when it is neither form. */
export function parseMailbox(s: string): { name?: string; address: string } | undefined {
  const m = MAILBOX.exec(s);
  if (!m) return undefined;
  const address = m[2] ?? m[3];
  if (!z.email().safeParse(address).success) return undefined;
  const name = m[1]?.trim();
  return name ? { name, address } : { address };
}

/** An address, optionally with a display name: `noc@x.go.id` or `NOC Diskominfo <noc@x.go.id>`. */
const mailbox = z
  .string()
  .refine((s) => parseMailbox(s) !== undefined, 'expected an e-mail address such as noc@example.go.id or "NOC Diskominfo <noc@example.go.id>"');

/** NIP (Nomor Induk Pegawai): 18 digits, written with or without the spaces between its groups. */
const nip = z.string().regex(/^\d{8} ?\d{6} ?\d ?\d{3}$/, 'expected an 18-digit NIP such as "19800101 200501 1 001"');

export const reportSchema = z
  .strictObject({
    schedule: cronExpr.default('0 8 1 * *'),
    language: z.enum(['id', 'en']).default('id'),
    to: z.array(z.email()).default([]),
    smtp: z
      .strictObject({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(25),
        secure: z.boolean().default(false),
        from: mailbox,
        user: z.string().optional(),
        password: z.string().optional(),
      })
      .optional(),
    /** Letterhead and signature block. */
    issuer: z
      .strictObject({
        /** The line above the office's name, e.g. "Pemerintah Kabupaten Tangerang". */
        government: z.string().min(1).optional(),
        name: z.string().min(1),
        address: z.string().min(1).optional(),
        /** Where the report is signed: "Tigaraksa, 1 Desember 2026". */
        city: z.string().min(1).optional(),
        /** A PNG, JPEG or SVG file; a relative path is read from the config file's folder. */
        logo: z.string().regex(/\.(png|jpe?g|svg)$/i, 'expected a .png, .jpg or .svg file').optional(),
        signatory: z.strictObject({ name: z.string().min(1), title: z.string().min(1), nip: nip.optional() }).optional(),
      })
      .optional(),
    /** e.g. "000.5.2/{ROMAN}/BW/{YYYY}"; without it the report carries no number. */
    documentNumber: z
      .string()
      .min(1)
      .refine(
        (s) => [...s.matchAll(/\{([^}]*)\}/g)].every((m) => (DOCUMENT_NUMBER_TOKENS as readonly string[]).includes(m[1])),
        'expected only the placeholders {YYYY}, {MM} and {ROMAN}',
      )
      .optional(),
    /** The article the evaluation answers to, quoted in "Dasar dan metode"; Tangerang's Pasal 25 when absent. */
    legalBasis: z.string().min(1).optional(),
  })
  .prefault({});

export type ReportSettings = z.infer<typeof reportSchema>;
export type IssuerSettings = NonNullable<ReportSettings['issuer']>;
