import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { documentOptions } from '../../collector/report/document.js';
import { parseCollectorConfig } from '../../config/collector.js';
import type { Logger } from '../../log/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'pantau-doc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function warnings(): { logger: Logger; seen: { obj: unknown; msg: string }[] } {
  const seen: { obj: unknown; msg: string }[] = [];
  const logger = { warn: (obj: unknown, msg: string) => seen.push({ obj, msg }) } as unknown as Logger;
  return { logger, seen };
}

describe('report document options from the config', () => {
  it('reads a relative logo from the config file folder and carries issuer, number, legal basis and thresholds', () => {
    writeFileSync(join(dir, 'logo.png'), PNG);
    const cfg = parseCollectorConfig('c.yaml', 'report:\n  issuer: { name: Diskominfo, logo: logo.png }\n  documentNumber: "BW/{YYYY}"\n  legalBasis: Pasal 17\n');
    const doc = documentOptions(cfg.report, { evaluation: cfg.evaluation, baseDir: dir });
    expect(doc.logo).toEqual({ mime: 'image/png', data: PNG });
    expect(doc).toMatchObject({ language: 'id', issuer: { name: 'Diskominfo' }, documentNumber: 'BW/{YYYY}', legalBasis: 'Pasal 17', method: { warnVolumePct: 80 } });
  });

  it('leaves out a logo that cannot be read, and says which file', () => {
    const cfg = parseCollectorConfig('c.yaml', 'report:\n  issuer: { name: Diskominfo, logo: missing.png }\n');
    const { logger, seen } = warnings();
    expect(documentOptions(cfg.report, { baseDir: dir, logger }).logo).toBeUndefined();
    expect(seen).toEqual([{ obj: { file: join(dir, 'missing.png'), err: expect.stringContaining('ENOENT') }, msg: 'report.issuer.logo could not be read; the report goes out without a logo' }]);
  });
});
