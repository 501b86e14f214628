// The wall's sound in real Chromium (playwright-core, /usr/bin/chromium) against a real
// collector: a new critical alert beeps; mute silences it; a snooze of 15 or 60 minutes
// silences it for that long, shows until when (Bahasa Indonesia by default, English on the
// switch), is remembered across a reload, and ends by itself. Beeps are counted where the page
// makes them (Web Audio oscillators started); the page's clock is Playwright's, moved by the
// test; every wait is for a DOM condition.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../collector/report/browser.js';
import { testConfigHead, AGENT_TOKEN, startTestCollector, VIEWER_TOKEN, type TestCollector } from '../helpers/collector.js';

const ART = 'test-artifacts/wall';
const T0 = Date.UTC(2026, 10, 20, 3, 0, 0); // 10:00 WIB
const MIN = 60_000;
let now = T0;
const STREAM = { heartbeatMs: 3_600_000 };

const yaml = (sqlite: string) => `
${testConfigHead(sqlite)}agents:
  - { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [r1, r2] }
opds:
  - { id: dinkes, name: Dinas Kesehatan }
  - { id: bappeda, name: Bappeda }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 10.0.1.1 }
  - { id: r2, opd: bappeda, kind: router, address: 10.0.2.1 }
`;

let c: TestCollector;
let browser: Browser;
const contexts: BrowserContext[] = [];
let n = 0;

beforeAll(async () => {
  mkdirSync(ART, { recursive: true });
  c = await startTestCollector(yaml, { now: () => now, stream: STREAM });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] });
}, 60_000);
afterEach(async () => {
  for (const x of contexts.splice(0)) await x.close();
});
afterAll(async () => {
  await browser?.close();
  await c?.cleanup();
});

/** A wall whose Web Audio oscillator starts are counted in window.__oscillators (a beep is two tones). */
async function wall(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000);
  await page.addInitScript(() => {
    const w = window as unknown as { __oscillators: number };
    w.__oscillators = 0;
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (...args: Parameters<typeof start>) {
      w.__oscillators++;
      return start.apply(this, args);
    };
  });
  await page.clock.install({ time: now });
  await page.goto(`${c.url}/?token=${VIEWER_TOKEN}`);
  await page.waitForSelector('#conn[data-state="live"], #conn[data-state="stale"]');
  return page;
}
const beeps = async (page: Page) => (await page.evaluate(() => (window as unknown as { __oscillators: number }).__oscillators)) / 2;
/** Fires a new critical alert and waits until the page lists it. */
async function critical(page: Page): Promise<void> {
  const key = `device_down:test-${++n}`;
  c.alerts.fire({ key, kind: 'device_down', severity: 'critical', opd: 'dinkes', device: 'r1', summary: `r1 mati (${n})` }, now);
  c.stream.flush(now);
  await page.waitForSelector(`[data-key="${key}"]`);
}

describe('the wall sound: mute and snooze', { timeout: 120_000 }, () => {
  it('beeps on a new critical alert; snoozed 15 minutes it stays quiet, shows until when, survives a reload, and comes back by itself', async () => {
    const page = await wall();
    const mute = page.locator('#mute');
    expect(await mute.getAttribute('data-sound')).toBe('on');
    expect(await mute.textContent()).toBe('Bunyi: hidup');
    await critical(page);
    await page.waitForFunction(() => (window as unknown as { __oscillators: number }).__oscillators === 2);

    await page.locator('#snooze').selectOption('15');
    await page.waitForSelector('#mute[data-sound="snoozed"]');
    expect(await mute.textContent()).toMatch(/^Bunyi: ditunda s\.d\. 10\.1\d$/); // 15 minutes after the page's 10:00 (and the seconds it took to get here)
    expect(await page.locator('#snooze option').allTextContents()).toEqual(['Tunda bunyi…', 'Tunda 15 menit', 'Tunda 60 menit', 'Batalkan tunda']);
    await page.screenshot({ path: `${ART}/sound-snoozed.png` });
    await critical(page);
    expect(await beeps(page)).toBe(1);

    // A reload (a wall's browser restarting) keeps the snooze; English says the same.
    await page.reload();
    await page.waitForSelector('#mute[data-sound="snoozed"]');
    await page.locator('#lang').click();
    await page.waitForFunction(() => /^Sound: snoozed until 10:1\d$/.test(document.querySelector('#mute')!.textContent ?? ''));
    await critical(page);
    expect(await beeps(page)).toBe(0); // counted since the reload

    // 15 minutes later the sound is back by itself.
    now += 15 * MIN + 10_000;
    await page.clock.fastForward(15 * MIN + 10_000);
    await page.waitForSelector('#mute[data-sound="on"]');
    expect(await mute.textContent()).toBe('Sound: on');
    expect(await page.evaluate(() => localStorage.getItem('pantau.snoozeUntil'))).toBeNull();
    await critical(page);
    await page.waitForFunction(() => (window as unknown as { __oscillators: number }).__oscillators === 2);
  });

  it('snoozes for 60 minutes, can be cancelled, and mute silences until turned on again', async () => {
    const page = await wall();
    const mute = page.locator('#mute');
    await page.locator('#snooze').selectOption('60');
    await page.waitForSelector('#mute[data-sound="snoozed"]');
    const until = Number(await page.evaluate(() => localStorage.getItem('pantau.snoozeUntil')));
    expect(until - (await page.evaluate(() => Date.now()))).toBeGreaterThan(59 * MIN);
    now += 30 * MIN;
    await page.clock.fastForward(30 * MIN);
    await critical(page);
    expect(await beeps(page)).toBe(0); // half-way through the hour: still quiet
    await page.locator('#snooze').selectOption('cancel');
    await page.waitForSelector('#mute[data-sound="on"]');
    await critical(page);
    await page.waitForFunction(() => (window as unknown as { __oscillators: number }).__oscillators === 2);

    await mute.click();
    await page.waitForSelector('#mute[data-sound="off"]');
    expect(await mute.textContent()).toBe('Bunyi: mati');
    expect(await page.locator('#snooze').isHidden()).toBe(true); // nothing to snooze while muted
    await critical(page);
    expect(await beeps(page)).toBe(1);
    await mute.click();
    await page.waitForSelector('#mute[data-sound="on"]');
    await critical(page);
    await page.waitForFunction(() => (window as unknown as { __oscillators: number }).__oscillators === 4);
  });
});
