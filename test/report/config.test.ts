// The `report:` section of the collector config: sender with a display name, letterhead,
// signatory, document number pattern, legal basis; each bad value named with its key path.
import { describe, expect, it } from 'vitest';
import { parseCollectorConfig } from '../../config/collector.js';
import { ConfigError } from '../../config/load.js';
import { parseMailbox } from '../../config/report.js';

function problems(report: string): string[] {
  try {
    parseCollectorConfig('c.yaml', `report:\n${report}`);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('report config', () => {
  it('accepts a sender with a display name, a letterhead, a signatory and a document number', () => {
    const cfg = parseCollectorConfig(
      'c.yaml',
      `report:
  to: [ tim.koordinasi@tangerangkab.go.id ]
  smtp: { host: 127.0.0.1, from: "NOC Diskominfo <noc@tangerangkab.go.id>" }
  issuer:
    government: Pemerintah Kabupaten Tangerang
    name: Dinas Komunikasi dan Informatika
    address: Jl. H. Somawinata No. 1, Tigaraksa
    city: Tigaraksa
    logo: logo.png
    signatory: { name: "Drs. Budi Santoso, M.Si.", title: Kepala Dinas, nip: "19700101 199503 1 001" }
  documentNumber: "000.5.2/{ROMAN}/BW/{YYYY}"
  legalBasis: Peraturan Wali Kota Bogor Nomor 24 Tahun 2021
`,
    );
    expect(cfg.report.smtp?.from).toBe('NOC Diskominfo <noc@tangerangkab.go.id>');
    expect(cfg.report.issuer?.signatory?.nip).toBe('19700101 199503 1 001');
    expect(cfg.report.documentNumber).toBe('000.5.2/{ROMAN}/BW/{YYYY}');
    expect(parseMailbox('NOC Diskominfo <noc@tangerangkab.go.id>')).toEqual({ name: 'NOC Diskominfo', address: 'noc@tangerangkab.go.id' });
    expect(parseMailbox('"Diskominfo, NOC" <noc@x.go.id>')).toEqual({ name: 'Diskominfo, NOC', address: 'noc@x.go.id' });
    expect(parseMailbox('noc@x.go.id')).toEqual({ address: 'noc@x.go.id' });
  });

  it('refuses a sender that is not an address, naming the key and the accepted forms', () => {
    expect(problems('  smtp: { host: h, from: "NOC Diskominfo" }')).toEqual([
      'report.smtp.from: expected an e-mail address such as noc@example.go.id or "NOC Diskominfo <noc@example.go.id>", found "NOC Diskominfo"',
    ]);
    expect(problems('  smtp: { host: h, from: "NOC <not an address>" }')[0]).toMatch(/^report\.smtp\.from: expected an e-mail address/);
  });

  it('refuses an unknown placeholder in the document number, a bad NIP and a logo of another type', () => {
    expect(problems('  documentNumber: "BW/{YEAR}"')).toEqual(['report.documentNumber: expected only the placeholders {YYYY}, {MM} and {ROMAN}, found "BW/{YEAR}"']);
    expect(problems('  issuer: { name: D, signatory: { name: B, title: K, nip: "1970-01-01" } }')[0]).toMatch(/^report\.issuer\.signatory\.nip: expected an 18-digit NIP/);
    expect(problems('  issuer: { name: D, logo: logo.gif }')[0]).toMatch(/^report\.issuer\.logo: expected a \.png, \.jpg or \.svg file/);
    expect(problems('  issuer: { nama: D }')[0]).toMatch(/^report\.issuer\.nama: unknown key|report\.issuer\.name/);
  });
});
