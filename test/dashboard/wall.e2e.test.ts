// The wall display in real Chromium (playwright-core, /usr/bin/chromium) against a real
// collector with 60 OPDs: layout at 1920×1080, live changes, an operator's ack seen on a
// second display, a collector restart, and staleness. The collector's clock is injected and
// moved by the test; every wait is for a DOM condition. Screenshots go to test-artifacts/.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../collector/report/browser.js';
import { testConfigHead, AGENT_TOKEN, OPERATOR_TOKEN, startTestCollector, VIEWER_TOKEN, type TestCollector } from '../helpers/collector.js';

const ART = 'test-artifacts/wall';
const T0 = Date.UTC(2026, 10, 20, 3, 0, 0);
let now = T0;
// No heartbeats run (no timers): a long heartbeat keeps the page's stall watchdog out of the way.
const STREAM = { heartbeatMs: 3_600_000 };
const pad = (i: number) => String(i).padStart(2, '0');

/** 60 OPDs, each a router and a server, all polled by one agent every 60 s. */
function sixtyOpds(sqlite: string): string {
  const ids = Array.from({ length: 60 }, (_, i) => pad(i + 1));
  return `
${testConfigHead(sqlite)}agents:
  - { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [${ids.map((i) => `r${i}, s${i}`).join(', ')}] }
opds:
${ids.map((i) => `  - { id: opd${i}, name: "Dinas Pekerjaan Umum dan Penataan Ruang ${i}", quota: { volumeGB: 100 }, uplinks: [ { device: r${i}, interface: ether1 } ] }`).join('\n')}
devices:
${ids.map((i) => `  - { id: r${i}, opd: opd${i}, kind: router, address: 10.0.${Number(i)}.1, snmp: { version: 2c, community: public } }\n  - { id: s${i}, opd: opd${i}, kind: server, address: 10.0.${Number(i)}.10 }`).join('\n')}
`;
}

let c: TestCollector;
let browser: Browser;
let sqlite: string;
let port: number;
let batch = 0;
const contexts: BrowserContext[] = [];

async function ingest(samples: unknown[]): Promise<void> {
  const res = await c.post('/api/v1/ingest', { agent: 'a1', batch: `w-${++batch}`, samples });
  expect(res.status).toBe(200);
}
const pings = (up: (i: number) => boolean, ts = now - 1000) =>
  Array.from({ length: 60 }, (_, k) => [
    { type: 'ping', device: `r${pad(k + 1)}`, ts, up: up(k + 1) },
    { type: 'ping', device: `s${pad(k + 1)}`, ts, up: true },
  ]).flat();

async function wall(opts: { clock?: boolean } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000); // a shared, busy machine: waits are for DOM conditions, bounded generously
  if (opts.clock) await page.clock.install({ time: now });
  await page.goto(`${c.url}/?token=${VIEWER_TOKEN}`);
  await page.waitForSelector('#conn[data-state="live"], #conn[data-state="stale"]');
  return page;
}
const shot = (page: Page, name: string) => page.screenshot({ path: `${ART}/${name}.png` });

beforeAll(async () => {
  mkdirSync(ART, { recursive: true });
  c = await startTestCollector(sixtyOpds, { now: () => now, stream: STREAM });
  sqlite = c.config.store.sqlite;
  port = Number(new URL(c.url).port);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  await ingest(pings(() => true));
  c.stream.flush(now);
}, 60_000);

// Each test's displays are closed after it: a busy machine need not keep rendering them.
afterEach(async () => {
  for (const x of contexts.splice(0)) await x.close();
});

afterAll(async () => {
  await browser?.close();
  await c?.cleanup();
});

describe('the wall in Chromium at 1920×1080', { timeout: 180_000 }, () => {
  it('shows every tile of 60 OPDs without scrolling, the token gone from the address bar', async () => {
    const page = await wall();
    await page.waitForFunction(() => document.querySelectorAll('.tile').length === 60);
    expect(new URL(page.url()).search).toBe('');
    const m = await page.evaluate(() => ({
      scrollH: document.documentElement.scrollHeight,
      scrollW: document.documentElement.scrollWidth,
      h: innerHeight,
      w: innerWidth,
      outside: [...document.querySelectorAll('.tile')].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.bottom > innerHeight || r.right > innerWidth || r.height < 80;
      }).length,
      // Readable from across the room: no tile's text is cut off at the bottom, names at least 16 px.
      clipped: [...document.querySelectorAll('.tile .in')].filter((t) => t.scrollHeight > t.clientHeight + 1).length,
      nameFont: parseFloat(getComputedStyle(document.querySelector('.tile .name')!).fontSize),
      lang: document.documentElement.lang,
      conn: document.getElementById('conn')!.textContent,
      router: document.querySelector('.tile .devs')!.textContent,
    }));
    expect(m.scrollH).toBeLessThanOrEqual(m.h);
    expect(m.scrollW).toBeLessThanOrEqual(m.w);
    expect(m.outside).toBe(0);
    expect(m.clipped).toBe(0);
    expect(m.nameFont).toBeGreaterThanOrEqual(16);
    expect(m.lang).toBe('id');
    expect(m.conn).toBe('Terhubung');
    expect(m.router).toContain('▲1');
    // No backup schedule for this OPD: "tidak diatur" (not configured), never shown as fine; no usage yet: "tanpa data".
    expect(await page.locator('.tile[data-opd="opd01"]').textContent()).toMatch(/Kuota: tanpa data[\s\S]*Cadangan: tidak diatur/);
    expect(await page.locator('.tile[data-opd="opd01"] .bar').getAttribute('data-usage')).toBe('no_data');
    // The time in the deployment's zone (the collector's clock: 03:00 UTC is 10:00 WIB).
    expect(await page.locator('#clock').textContent()).toMatch(/^Jumat, 20 November pukul 10\.0\d\.\d\d WIB$/);
    await shot(page, 'sixty-opds');
    // A 4K television: still every tile, still no scrolling.
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForFunction(() => [...document.querySelectorAll('.tile')].every((t) => t.getBoundingClientRect().height > 200));
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await shot(page, 'sixty-opds-4k');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.click('#lang');
    await page.waitForFunction(() => document.getElementById('conn')!.textContent === 'Live');
    await shot(page, 'sixty-opds-en');
    await page.click('#lang');
  });

  it('marks its first complete render once, keeps no render measures, and updates only the tile that changed, its counts in place', async () => {
    const page = await wall();
    await page.waitForFunction(() => document.querySelectorAll('.tile').length === 60);
    await page.evaluate(() => {
      const w = window as unknown as { keep: Element; keepName: Element; keepDevs: Element };
      w.keep = document.querySelector('.tile[data-opd="opd40"]')!;
      w.keepName = w.keep.querySelector('.name')!;
      w.keepDevs = document.querySelector('.tile[data-opd="opd41"] .devs')!;
    });
    await ingest([{ type: 'ping', device: 'r41', ts: now - 300, up: false }]);
    c.stream.flush(now);
    await page.waitForSelector('.tile[data-opd="opd41"].t-down');
    const m = await page.evaluate(() => {
      const w = window as unknown as { keep: Element; keepName: Element; keepDevs: Element };
      return {
        marks: performance.getEntriesByName('pantau:first-complete').length,
        measures: performance.getEntriesByName('pantau:render').length,
        sameTile: w.keep === document.querySelector('.tile[data-opd="opd40"]') && w.keep.isConnected,
        sameName: w.keepName.isConnected,
        // The changed tile's counts are updated in place: the same element, new text.
        devsKept: w.keepDevs.isConnected && w.keepDevs === document.querySelector('.tile[data-opd="opd41"] .devs'),
        routers: document.querySelector('.tile[data-opd="opd41"] .devs')!.textContent,
      };
    });
    expect(m).toEqual({ marks: 1, measures: 0, sameTile: true, sameName: true, devsKept: true, routers: 'Router ▲0 ▼1 ?0' });
    await ingest([{ type: 'ping', device: 'r41', ts: now - 200, up: true }]);
    c.stream.flush(now);
    await page.waitForSelector('.tile[data-opd="opd41"]:not(.t-down)');
  });

  it('turns an OPD down and lists its alert when an ingested ping fails', async () => {
    const page = await wall();
    await ingest([{ type: 'ping', device: 'r07', ts: now - 500, up: false }]);
    c.alerts.fire({ key: 'device_down:r07', kind: 'device_down', severity: 'critical', opd: 'opd07', device: 'r07', summary: 'r07 tidak menjawab ping' }, now);
    c.stream.flush(now);
    const tile = page.locator('.tile[data-opd="opd07"]');
    await expect.poll(() => tile.getAttribute('class'), { timeout: 2000 }).toMatch(/t-down/);
    expect(await tile.getAttribute('data-down')).toBe('1');
    expect(await tile.getAttribute('class')).toMatch(/fresh/); // just changed: highlighted
    // Trouble comes first: the tile on the screen's first place (top row, leftmost), whatever
    // the DOM order (tiles keep their elements; the grid order places them).
    const first = await page.evaluate(() => {
      const boxes = [...document.querySelectorAll<HTMLElement>('.tile')].map((el) => ({ id: el.dataset.opd, r: el.getBoundingClientRect() }));
      boxes.sort((a, b) => a.r.top - b.r.top || a.r.left - b.r.left);
      return boxes[0].id;
    });
    expect(first).toBe('opd07');
    await page.waitForSelector('#open [data-key="device_down:r07"]', { timeout: 2000 });
    await shot(page, 'opd-down');
  });

  it('lets an operator acknowledge from the page; a second, viewer display shows who acknowledged', async () => {
    c.alerts.fire({ key: 'device_down:r08', kind: 'device_down', severity: 'critical', opd: 'opd08', device: 'r08', summary: 'r08 tidak menjawab ping' }, now);
    const viewer = await wall();
    const op = await wall();
    await op.click('#login');
    await op.fill('#dlg-token', OPERATOR_TOKEN);
    await op.click('#dlg-ok');
    const button = op.locator('[data-key="device_down:r08"] button[data-ack]');
    await button.click();
    await op.waitForSelector('#acked [data-key="device_down:r08"] [data-ack-by="budi"]');
    await viewer.waitForSelector('#acked [data-key="device_down:r08"] [data-ack-by="budi"]');
    expect(await viewer.locator('#acked [data-key="device_down:r08"]').textContent()).toContain('ditangani oleh budi');
    expect(await viewer.locator('#open [data-key="device_down:r08"]').count()).toBe(0);
    expect(await viewer.locator('button[data-ack]').count()).toBe(0); // a viewer cannot acknowledge
    expect(c.alerts.firing('device_down:r08')).toMatchObject({ ackBy: 'budi' });
    await shot(viewer, 'acked-on-viewer');
  });

  it('reconnects by itself after a collector restart and shows the current state without a reload', async () => {
    await ingest([{ type: 'ping', device: 'r09', ts: now - 400, up: false }]);
    c.stream.flush(now);
    const page = await wall();
    await page.waitForSelector('.tile[data-opd="opd09"].t-down');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await c.stop();
    await page.waitForSelector('#banner.show');
    expect(await page.locator('#banner').textContent()).toContain('Kolektor tidak dapat dihubungi');
    await shot(page, 'collector-unreachable');
    c = await startTestCollector(sixtyOpds, { now: () => now, stream: STREAM, sqlite, listen: `127.0.0.1:${port}` });
    await ingest([{ type: 'ping', device: 'r12', ts: now - 200, up: false }]);
    c.stream.flush(now);
    await page.waitForSelector('.tile[data-opd="opd12"].t-down', { timeout: 30_000 });
    await page.waitForSelector('#banner:not(.show)', { state: 'attached' });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // The state from before the restart is still there (read from the store).
    expect(await page.locator('.tile[data-opd="opd09"]').getAttribute('class')).toMatch(/t-down/);
  });

  it('shows stale, never fine, when no data came for two intervals', async () => {
    const page = await wall({ clock: true });
    await ingest(pings(() => true, now - 1000));
    c.stream.flush(now);
    await page.waitForSelector('#conn[data-state="live"]');
    now += 2 * 60_000 + 5000;
    await page.clock.fastForward(2 * 60_000 + 5000);
    await page.waitForSelector('#conn[data-state="stale"]');
    expect(await page.locator('#conn').textContent()).toBe('Data basi');
    // Every device counts as unknown now, none as up.
    expect(await page.locator('.tile[data-opd="opd30"] .devs').first().textContent()).toContain('▲0');
    await shot(page, 'stale');
  });

  it('shows an OPD page with its uplink rates drawn from /series', async () => {
    const ifs = [0, 1, 2, 3, 4, 5, 6].map((k) => ({
      type: 'iface', device: 'r03', interface: 'ether1', ts: now - (6 - k) * 300_000, bits: 64, inOctets: String(k * 375_000_000), outOctets: String(k * 37_500_000), uptime: 100000 + k * 30000,
    }));
    await ingest(ifs);
    c.rollup.drain();
    const page = await wall();
    await page.goto(`${c.url}/opd/opd03`);
    await page.waitForSelector('[data-chart="r03:ether1"] canvas');
    expect(await page.locator('h1').textContent()).toBe('Dinas Pekerjaan Umum dan Penataan Ruang 03');
    expect(await page.locator('[data-device="r03"]').count()).toBe(1);
    await shot(page, 'opd-page');
  });

  it('lists as many problems as fit and counts the rest, without scrolling', async () => {
    for (let i = 20; i < 60; i++)
      c.alerts.fire({ key: `many:${i}`, kind: 'device_down', severity: i % 3 ? 'warning' : 'critical', opd: `opd${pad(i)}`, device: `r${pad(i)}`, summary: `r${pad(i)} tidak menjawab` }, now - i * 60_000);
    const page = await wall();
    await page.waitForSelector('#open .more');
    const m = await page.evaluate(() => {
      const p = document.getElementById('problems')!;
      // The room left under the list's last element, against the smallest alert: one more would not fit.
      const inner = p.getBoundingClientRect().top + p.clientTop + p.clientHeight - parseFloat(getComputedStyle(p).paddingBottom);
      const lastBottom = Math.max(...[...p.querySelectorAll('#problems > *, #open > *, #acked > *')].map((e) => e.getBoundingClientRect().bottom));
      const smallest = Math.min(...[...p.querySelectorAll('.alert')].map((e) => e.getBoundingClientRect().height));
      return { fits: p.scrollHeight <= p.clientHeight, page: document.documentElement.scrollHeight <= innerHeight, shown: document.querySelectorAll('#open .alert').length, more: document.querySelector('#open .more')!.textContent, first: document.querySelector('#open .alert')!.className, room: inner - lastBottom, smallest };
    });
    await shot(page, 'many-problems');
    expect(m.fits).toBe(true);
    expect(m.page).toBe(true);
    expect(m.shown).toBeGreaterThan(5);
    expect(m.room).toBeGreaterThanOrEqual(0);
    expect(m.room).toBeLessThan(m.smallest); // as many as fit, not fewer
    expect(m.more).toMatch(/^\+\d+ lagi$/);
    expect(Number(/\d+/.exec(m.more)![0]) + m.shown).toBe(await page.evaluate(() => Number(/\((\d+)\)/.exec(document.querySelector('#problems h2')!.textContent!)![1])));
    expect(m.first).toMatch(/critical/); // critical first
    await shot(page, 'many-problems');
    for (let i = 20; i < 60; i++) c.alerts.resolve(`many:${i}`, now);
  });

  it("moves the problems' ages on in place when nothing else on the list changed", async () => {
    c.alerts.fire({ key: 'aging:1', kind: 'device_down', severity: 'critical', opd: 'opd15', device: 'r15', summary: 'r15 tidak menjawab ping' }, now - 5 * 60_000);
    const page = await wall({ clock: true });
    const age = page.locator('#open [data-key="aging:1"] .age');
    await expect.poll(() => age.textContent(), { timeout: 10_000 }).toBe('5 mnt lalu');
    await page.evaluate(() => ((window as unknown as { kept: Element }).kept = document.querySelector('#open [data-key="aging:1"]')!));
    now += 60_000;
    await page.clock.fastForward(60_000);
    await expect.poll(() => age.textContent(), { timeout: 10_000 }).toBe('6 mnt lalu');
    // The same element: its age was written in place, the list not drawn again.
    expect(await page.evaluate(() => (window as unknown as { kept: Element }).kept === document.querySelector('#open [data-key="aging:1"]'))).toBe(true);
    c.alerts.resolve('aging:1', now);
  });
});
