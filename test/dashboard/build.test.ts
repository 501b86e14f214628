// The wall's bundles as the collector serves them: built with esbuild from dashboard/src, and
// small enough for a television's browser (the bound: 150 KB gzipped per page).
import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dashboardBundle, sourceDir } from '../../dashboard/build.js';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

describe('dashboard bundle', () => {
  it('builds the wall and the per-OPD page, each under 150 KB gzipped', async () => {
    const b = await dashboardBundle();
    for (const name of ['wall', 'opd'] as const) {
      const a = b.assets[name];
      expect(a.js.length).toBeGreaterThan(5_000); // a real bundle, not an empty file
      expect(gunzipSync(a.gzip).equals(a.js)).toBe(true);
      expect(gzipSync(a.js, { level: 9 }).length).toBeLessThan(150 * 1024);
      expect(a.etag).toMatch(/^"[0-9a-f]{16}"$/);
    }
    // uPlot goes only into the per-OPD page.
    expect(b.assets.opd.js.toString()).toContain('uplot');
    expect(b.assets.wall.js.toString()).not.toContain('uplot');
    expect(b.uplotCss).toContain('.uplot');
  });

  it('builds once per process', async () => {
    expect(await dashboardBundle()).toBe(await dashboardBundle());
  });
});

describe('dashboard sources', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  it('are found beside the build module and from the CLI bundle folder (.build/<fingerprint>)', () => {
    expect(sourceDir(join(root, 'dashboard'))).toBe(join(root, 'dashboard', 'src'));
    expect(sourceDir(join(root, '.build', '0123abcd'))).toBe(join(root, 'dashboard', 'src'));
  });
  it('say where they were looked for when missing', () => {
    expect(() => sourceDir(join(tmpdir(), 'nowhere', 'x'))).toThrow(/dashboard\/src\/wall\.ts\) are not found above .*nowhere/);
  });
});
