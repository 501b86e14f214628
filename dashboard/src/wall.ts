// The NOC wall: a tile per OPD (worst first), the problems list (unhandled apart from
// acknowledged), the time in the deployment's zone, and the connection and freshness of the
// data. Rendering brings the page up to the model at most once a frame, writing only what changed
// (the values last written are kept in JS) and reading no layout except when the tile area or
// the problems list's contents change; nothing accumulates, so a wall that runs for months keeps
// a flat memory.
import { Connection, type ConnState } from './connection.js';
import { age, esc, initialLang, saveLang, words, type Lang, type Words } from './i18n.js';
import { Model, type Alert, type Opd } from './model.js';
import { layout } from './layout.js';
import { beep } from './sound.js';
import { SNOOZE_MINUTES, SoundControl } from './sound-control.js';
import { api, signIn, whoAmI } from './session.js';

const body = document.body;
let lang: Lang = initialLang(body.dataset.language);
let w: Words = words(lang);
const model = new Model();
let conn: ConnState = 'connecting';
let role: string | undefined;
const sound = new SoundControl(localStorage);

const app = document.getElementById('app')!;
app.innerHTML = `<header><h1></h1><span id="conn" data-state="connecting"></span><span id="fresh"></span>
<span id="clock"></span><button id="lang"></button><button id="mute"></button><select id="snooze"></select><button id="login"></button></header>
<div id="banner" role="alert"></div>
<main><section id="tiles"></section><aside id="problems"></aside></main>
<dialog id="dlg"><form method="dialog"><p id="dlg-msg"></p><label><span id="dlg-label"></span> <input id="dlg-token" type="password" autocomplete="off"></label>
<p id="dlg-err" style="color:#ff6b6b"></p><button id="dlg-ok" value="ok"></button> <button id="dlg-cancel" value="cancel" formnovalidate></button></form></dialog>`;
const $ = (id: string) => document.getElementById(id)!;
const tiles = $('tiles');
const problems = $('problems');
const connEl = $('conn');
const banner = $('banner');
const clock = $('clock');

function counts(o: Opd) {
  const c = { router: { up: 0, down: 0, unknown: 0 }, server: { up: 0, down: 0, unknown: 0 } };
  for (const id of o.devices) {
    const d = model.devices.get(id);
    if (!d) continue;
    const s = model.deviceState(d);
    const bucket = d.kind === 'server' ? c.server : c.router;
    if (s === 'up' || s === 'warning') bucket.up++;
    else if (s === 'down') bucket.down++;
    else bucket.unknown++;
  }
  return c;
}

const BAD_BACKUP = new Set(['missing', 'failed', 'small']);

/** 3 down, 2 needs attention, 1 nothing known, 0 fine: tiles are sorted by it and coloured. */
function trouble(o: Opd, c: ReturnType<typeof counts>, alerting: Set<string | undefined>): number {
  if (c.router.down + c.server.down > 0) return 3;
  const u = model.usage.get(o.id);
  const b = model.backups?.get(o.id);
  if (alerting.has(o.id) || (u && ['warning', 'over', 'projected_over'].includes(u.status)) || (b && BAD_BACKUP.has(b.status))) return 2;
  if (c.router.up + c.server.up === 0) return 1;
  return 0;
}
const CLASS = ['t-ok', 't-unknown', 't-warning', 't-down'];

// Intl formats, one per language, zone and form, kept: building one costs more than formatting
// with it, and the header, the clock and the tiles format in every frame for months.
const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function format<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let f = formats.get(key) as F | undefined;
  if (!f) formats.set(key, (f = make()));
  return f;
}
const locale = () => (lang === 'id' ? 'id-ID' : 'en-GB');
const fmtPct = (p: number) => {
  const digits = p < 10 ? 1 : 0;
  return `${format(`pct|${lang}|${digits}`, () => new Intl.NumberFormat(locale(), { maximumFractionDigits: digits })).format(p)} %`;
};

/** A quota bar: its class, its data-usage (none when there is no quota) and the share drawn, 0 to 1. */
interface Bar {
  cls: string;
  usage?: string;
  share: number;
}
// The share is drawn by scaling the bar's fill (transform: scaleX), which needs no layout.
const barHtml = (b: Bar) => `<div class="${b.cls}"${b.usage === undefined ? '' : ` data-usage="${esc(b.usage)}"`}><i style="transform:scaleX(${b.share.toFixed(3)})"></i></div>`;

/** Brings a bar (as barHtml writes it) to a new state in place; false when it is not one (rewrite it). */
function setBar(el: Element, b: Bar): boolean {
  const fill = el.firstElementChild as HTMLElement | null;
  if (!fill || fill.tagName !== 'I' || el.childElementCount !== 1) return false;
  el.className = b.cls;
  if (b.usage === undefined) el.removeAttribute('data-usage');
  else el.setAttribute('data-usage', b.usage);
  fill.style.transform = `scaleX(${b.share.toFixed(3)})`;
  return true;
}

/** The bandwidth line and its bar (two of a tile's parts). */
function bar(id: string): [string, Bar] {
  const u = model.usage.get(id);
  if (!u || u.status === 'no_data') return [`<div class="line">${w.bandwidth}: <span class="unknown">${w.noData}</span></div>`, { cls: 'bar no_data', usage: 'no_data', share: 0 }];
  // The allocation nearest its limit: a status of `over` from the rate must show on the bar too.
  const shares = [u.usedPct.volume, u.usedPct.rate].filter((x): x is number => typeof x === 'number');
  const pct = shares.length ? Math.max(...shares) : undefined;
  if (pct === undefined) return [`<div class="line">${w.bandwidth}: <span class="unknown">${w.noQuota}</span></div>`, { cls: 'bar', share: 0 }];
  const cls = u.status === 'over' || u.status === 'projected_over' ? 'over' : u.status === 'warning' ? 'warning' : '';
  return [`<div class="line">${w.bandwidth}: ${fmtPct(pct)} · ${esc(w.usageStatus[u.status] ?? u.status)}</div>`, { cls: `bar ${cls}`, usage: u.status, share: Math.min(100, Math.max(0, pct)) / 100 }];
}

function devs(label: string, c: { up: number; down: number; unknown: number }): string {
  return `${label} <span class="${c.up ? 'up' : 'unknown'}">▲${c.up}</span> <span class="${c.down ? 'down' : 'unknown'}">▼${c.down}</span> <span class="unknown">?${c.unknown}</span>`;
}

/** Brings a `devs` line (as devs() writes it) to new counts in place; false when its label or shape differs (rewrite it). */
function setDevs(el: Element, label: string, c: { up: number; down: number; unknown: number }): boolean {
  const spans = el.children;
  if (spans.length !== 3 || el.firstChild?.nodeValue !== `${label} `) return false;
  const want: [string, string][] = [[c.up ? 'up' : 'unknown', `▲${c.up}`], [c.down ? 'down' : 'unknown', `▼${c.down}`], ['unknown', `?${c.unknown}`]];
  for (let i = 0; i < 3; i++) {
    const span = spans[i] as HTMLElement;
    const text = span.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE || span.childNodes.length !== 1) return false;
  }
  want.forEach(([cls, value], i) => {
    const span = spans[i] as HTMLElement;
    if (span.className !== cls) span.className = cls;
    if (span.firstChild!.nodeValue !== value) span.firstChild!.nodeValue = value;
  });
  return true;
}

/** Sets a style of the tiles' container only when it changes (a write, even of the same value, can cost a style pass). */
const styled = new Map<string, string>();
function setStyle(name: string, value: string): void {
  if (styled.get(name) === value) return;
  styled.set(name, value);
  tiles.style.setProperty(name, value);
}

// The sizes the layout depends on, read from the page only when unknown: the viewport at start
// and on resize, the tiles' area at the first render and when a ResizeObserver (which reports
// after a layout, forcing none) says it changed (the window, the banner, the header). Reading
// them in every frame, after the frame's writes, made the browser lay the page out twice.
let viewport = { w: innerWidth, h: innerHeight };
let area: { w: number; h: number } | undefined;
function tilesArea(): { w: number; h: number } {
  area ??= { w: tiles.clientWidth, h: tiles.clientHeight };
  return area;
}
new ResizeObserver(([e]) => {
  const { width: w, height: h } = e.contentRect;
  if (area && Math.abs(area.w - w) < 1 && Math.abs(area.h - h) < 1) return;
  area = undefined;
  render();
}).observe(tiles);

const collator = new Intl.Collator();

/** Each OPD's tile element, and its class, data-trouble, data-down, grid order and the HTML of each of its parts as last written. */
const tileOf = new Map<string, { el: HTMLAnchorElement; parts: string[]; cls: string; trouble: string; down: string; order: number }>();

function renderTiles(): void {
  const list = model.opdOrder.map((id) => model.opds.get(id)!).filter(Boolean);
  // OPDs with a firing alert above info, once per render rather than once per tile.
  const alerting = new Set<string | undefined>();
  for (const a of model.alerts.values()) if (a.severity !== 'info') alerting.add(a.opd);
  const scored = list.map((o) => {
    const c = counts(o);
    return { o, c, t: trouble(o, c, alerting) };
  });
  scored.sort((a, b) => b.t - a.t || collator.compare(a.o.name, b.o.name));
  const area = tilesArea();
  const g = layout(scored.length, area.w, area.h);
  setStyle('grid-template-columns', `repeat(${g.cols}, minmax(0, 1fr))`);
  setStyle('grid-template-rows', `repeat(${g.rows}, minmax(0, 1fr))`);
  // A tile's text is sized by its height: --ch is 1 % of a tile's content height (its rows share
  // the area less the gaps, .6vh; less its padding, .5vh each side). Container query units
  // would do the same, but they make every layout of the page style all 60 tiles again (a
  // change of the problems list cost tens of ms); a variable set here costs nothing.
  const vh = viewport.h / 100;
  setStyle('--ch', `${(Math.max(0, (area.h - (g.rows - 1) * 0.6 * vh) / g.rows - vh) / 100).toFixed(3)}px`);
  // Keyed: each OPD keeps its element; only what changed is written, and elements move only
  // by their grid order (a burst that touches three OPDs rewrites three tiles, not sixty).
  const seen = new Set<string>();
  scored.forEach(({ o, c, t }) => {
    seen.add(o.id);
    const b = model.backups?.get(o.id);
    const backup = b ? `<span class="${BAD_BACKUP.has(b.status) ? 'down' : b.status === 'ok' ? 'up' : 'unknown'}">${esc(w.backupStatus[b.status] ?? b.status)}</span>` : '<span class="unknown">—</span>';
    // A tile's parts, each one element of its `.in`: only those whose HTML changed are replaced
    // (rewriting whole tiles made the browser lay out all their text again: ~5x the cost).
    const [usageLine, usageBar] = bar(o.id);
    const parts = [`<div class="name" title="${esc(o.name)}">${esc(o.name)}</div>`, `<div class="devs">${devs(w.routers, c.router)}</div>`, `<div class="devs">${devs(w.servers, c.server)}</div>`, usageLine, barHtml(usageBar), `<div class="line">${w.backup}: ${backup}</div>`];
    let tile = tileOf.get(o.id);
    if (!tile) {
      const el = document.createElement('a');
      el.href = `/opd/${encodeURIComponent(o.id)}`;
      el.dataset.opd = o.id;
      el.innerHTML = `<div class="in">${parts.join('\n')}</div>`;
      tile = { el, parts, cls: '', trouble: '', down: '', order: -1 };
      tileOf.set(o.id, tile);
    }
    const { el } = tile;
    const cls = `tile ${CLASS[t]}${model.isFresh(`opd:${o.id}`) ? ' fresh' : ''}`;
    if (tile.cls !== cls) el.className = tile.cls = cls;
    if (tile.trouble !== String(t)) el.dataset.trouble = tile.trouble = String(t);
    const down = String(c.router.down + c.server.down);
    if (tile.down !== down) el.dataset.down = tile.down = down;
    const kids = el.firstElementChild!.children;
    parts.forEach((html, k) => {
      if (tile!.parts[k] === html) return;
      // The device counts change with every ping batch: their three spans are updated in place
      // (new elements cost a style pass and layout boxes of their own).
      if (k === 1 || k === 2) {
        if (setDevs(kids[k], k === 1 ? w.routers : w.servers, k === 1 ? c.router : c.server)) {
          tile!.parts[k] = html;
          return;
        }
      }
      // So is the quota bar (its fill scaled, no layout).
      if (k === 4 && setBar(kids[k], usageBar)) {
        tile!.parts[k] = html;
        return;
      }
      kids[k].outerHTML = html;
      tile!.parts[k] = html;
    });
  });
  for (const [id, tile] of tileOf)
    if (!seen.has(id)) {
      tile.el.remove();
      tileOf.delete(id);
    }
  // The order is the grid's `order` property, written only for tiles whose place changed: a
  // tile moved in the DOM is detached and attached again, and its text laid out from scratch
  // (the slowest frames were the ones where trouble reordered tiles). New tiles are appended.
  scored.forEach(({ o }, i) => {
    const tile = tileOf.get(o.id)!;
    if (!tile.el.isConnected) tiles.append(tile.el);
    if (tile.order !== i) tile.el.style.order = String((tile.order = i));
  });
}

const SEV = { critical: 0, warning: 1, info: 2 } as const;

// Where an alert's age goes in its HTML: filled in when the list is drawn, and afterwards, while
// the list is otherwise as it was, updated in place (an age is text on its one line, cut with an
// ellipsis: it changes no height, so the list need not be fitted again).
const AGE = '<!--age-->'; // esc() leaves no '<' in the alert's own text, so this occurs once, here
function alertHtml(a: Alert): string {
  const where = [a.opd && (model.opds.get(a.opd)?.name ?? a.opd), a.device].filter(Boolean).join(' · ');
  const ackBy = a.ackBy ? ` · <span data-ack-by="${esc(a.ackBy)}">${w.ackBy} ${esc(a.ackBy)}</span>` : '';
  const button = !a.ackBy && (role === 'operator' || role === 'admin') ? `<button data-ack="${a.id}">${w.ack}</button>` : '';
  return `<div class="alert ${a.severity}${a.ackBy ? ' acked' : ''}${model.isFresh(`alert:${a.id}`) ? ' fresh' : ''}" data-alert="${a.id}" data-key="${esc(a.key)}">
<span class="sev"></span><div><div>${esc(a.summary)}${a.silenced ? ` <span class="meta">(${w.silenced})</span>` : ''}</div><div class="meta"><span class="age">${AGE}</span>${ackBy} · ${esc(where)}</div></div><div>${button}</div></div>`;
}

let problemsKey = '';
let bannerShown = false;
/** The age element of each alert on the list as last drawn. */
let ageEls = new Map<number, Element>();
function renderProblems(): void {
  const now = model.serverNow();
  const firing = [...model.alerts.values()].filter((a) => a.state === 'firing').sort((a, b) => SEV[a.severity] - SEV[b.severity] || a.since - b.since);
  const open = firing.filter((a) => !a.ackBy);
  const acked = firing.filter((a) => a.ackBy);
  const ageOf = (a: Alert) => `${age(now - a.since, w)} ${w.ago}`;
  const html = new Map([...open.slice(0, 40), ...acked.slice(0, 20)].map((a) => [a.id, alertHtml(a)]));
  const filled = (list: Alert[]) => list.map((a) => html.get(a.id)!.replace(AGE, () => ageOf(a))).join('');
  const more = (n: number) => (n > 0 ? `<div class="more">+${n} ${w.more}</div>` : '');
  const draw = (nOpen: number, nAcked: number) => {
    problems.innerHTML = `<h2>${w.unhandled} (${open.length})</h2><div id="open">${open.length ? filled(open.slice(0, nOpen)) : `<div class="more">${w.none}</div>`}${more(open.length - nOpen)}</div>
<h2>${w.acknowledged} (${acked.length})</h2><div id="acked">${filled(acked.slice(0, nAcked))}${more(acked.length - nAcked)}</div>`;
  };
  // Nothing to draw again when the list (ages aside) and the room for it are as they were.
  const key = `${viewport.w}x${viewport.h}|${bannerShown}|${lang}|${open.length}|${acked.length}|${[...html.values()].join('')}`;
  if (key === problemsKey) {
    for (const [id, el] of ageEls) {
      const a = model.alerts.get(id);
      if (a) setText(el, ageOf(a));
    }
    return;
  }
  problemsKey = key;
  fit(draw, open.length, acked.length);
  ageEls = new Map();
  for (const el of problems.querySelectorAll('.age')) {
    const id = Number((el.closest('[data-alert]') as HTMLElement).dataset.alert);
    const a = model.alerts.get(id);
    if (a) written.set(el, new Map([['text', ageOf(a)]]));
    ageEls.set(id, el);
  }
}

/** Draws the problems list with as many alerts as fit. */
function fit(draw: (nOpen: number, nAcked: number) => void, nOpen: number, nAcked: number): void {
  // What fits without scrolling, the rest counted: fewer acknowledged ones first (down to two),
  // then fewer unhandled. Each step shows one alert less, so the height only goes down. Each
  // try is a layout of the panel, so the search starts where the full list's own layout says:
  // step i shows (all - i) alerts, and about as many as lay wholly inside the panel will fit.
  // From there it walks to the first step that fits (one or two more tries; a binary search
  // took six, and the first visit's render spent 120-200 ms in them).
  const steps: [number, number][] = [[Math.min(nOpen, 40), Math.min(nAcked, 20)]];
  for (let [a, b] = steps[0]; a + b > 0; steps.push([a, b])) {
    if (b > Math.min(2, a === 0 ? 0 : 2) || a === 0) b--;
    else a--;
  }
  let drawn = -1;
  const fits = (i: number) => {
    draw(...steps[i]);
    drawn = i;
    return problems.scrollHeight <= problems.clientHeight;
  };
  if (fits(0)) return;
  const bottom = problems.getBoundingClientRect().top + problems.clientTop + problems.clientHeight;
  let inside = 0;
  for (const el of problems.querySelectorAll('.alert')) if (el.getBoundingClientRect().bottom <= bottom) inside++;
  const last = steps.length - 1;
  let i = Math.min(last, Math.max(1, steps[0][0] + steps[0][1] - inside));
  if (fits(i)) {
    while (i > 1 && fits(i - 1)) i--;
  } else {
    while (i < last && !fits(++i));
  }
  if (drawn !== i) draw(...steps[i]);
}

// What was last written to each element, kept here and compared before writing: a write of the
// same value is not free (setting `lang` again restyled the whole page every frame; a text set
// again lays its box out again), and reading it back from the DOM would not be either.
const written = new WeakMap<Element, Map<string, string | boolean>>();
function put(el: Element, what: string, value: string | boolean, write: () => void): void {
  let m = written.get(el);
  if (!m) written.set(el, (m = new Map()));
  if (m.get(what) === value) return;
  m.set(what, value);
  write();
}
const setText = (el: Element, text: string) => put(el, 'text', text, () => (el.textContent = text));

function renderHeader(): void {
  const root = document.documentElement;
  put(root, 'lang', lang, () => (root.lang = lang));
  setText(app.querySelector('h1')!, w.title);
  const stale = conn === 'live' && model.loaded && model.isStale();
  const state = conn === 'live' ? (stale ? 'stale' : 'live') : conn;
  put(connEl, 'state', state, () => {
    connEl.className = state;
    connEl.dataset.state = state;
  });
  setText(connEl, w[state]);
  const newest = model.newestData();
  setText($('fresh'), newest === undefined ? w.noData : `${age(model.serverNow() - newest, w)} ${w.ago}`);
  setText($('lang'), lang === 'id' ? 'English' : 'Bahasa Indonesia');
  renderSound();
  setText($('login'), role === 'operator' || role === 'admin' ? `${w.logout} (${role})` : w.login);
  const since = downSince();
  const down = conn === 'offline' || (conn === 'connecting' && since !== undefined);
  bannerShown = down;
  put(banner, 'show', down, () => banner.classList.toggle('show', down));
  if (down) setText(banner, `${w.unreachable} ${fmtTime(model.serverNow() - (Date.now() - (since ?? Date.now())))} — ${w.reconnecting}`);
}

/** The sound's state on the mute button (on, off, snoozed until hh.mm) and the snooze choices. */
function renderSound(): void {
  const state = sound.state();
  const mute = $('mute');
  put(mute, 'sound', state, () => (mute.dataset.sound = state));
  const until = sound.snoozedUntil();
  const hm = (t: number) => format(`hm|${lang}|${model.timezone}`, () => new Intl.DateTimeFormat(locale(), { timeZone: model.timezone, hour: '2-digit', minute: '2-digit' })).format(t);
  setText(mute, state === 'off' ? w.mute : state === 'snoozed' && until !== undefined ? `${w.snoozed} ${hm(until)}` : w.unmute);
  const sel = $('snooze') as HTMLSelectElement;
  const opts = [['', w.snooze], ...SNOOZE_MINUTES.map((n) => [String(n), w.snoozeFor.replace('{n}', String(n))]), ...(until !== undefined ? [['cancel', w.snoozeCancel]] : [])];
  const html = opts.map(([v, t]) => `<option value="${v}">${esc(t)}</option>`).join('');
  // New options show the first (the prompt); a choice made is put back to it by the change handler.
  put(sel, 'html', html, () => (sel.innerHTML = html));
  put(sel, 'hidden', state === 'off', () => (sel.hidden = state === 'off'));
}

const fmtTime = (t: number, withDate = false) =>
  format(`time|${lang}|${model.timezone}|${withDate}`, () =>
    new Intl.DateTimeFormat(locale(), {
      timeZone: model.timezone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      ...(withDate ? { weekday: 'long', day: 'numeric', month: 'long' } : {}),
    } as Intl.DateTimeFormatOptions),
  ).format(t);

function tick(): void {
  setText(clock, `${fmtTime(model.serverNow(), true)} ${tzName()}`);
}
// What just changed (.fresh) pulses once a second, its ring thick then thin. A CSS animation
// of the ring restyled and repainted every highlighted tile in every frame (60 of them while
// the pings stream: most of the main thread); on the compositor (opacity of an overlay) it cost
// as much again in software compositing. A class toggled here costs one style and paint a second.
let pulse = false;
setInterval(() => {
  pulse = !pulse;
  body.classList.toggle('pulse', pulse);
}, 1000);
const tzName = () => ({ 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' })[model.timezone] ?? model.timezone;

// Performance marks (always on, cheap): each frame's render, its layout included, is measured
// as `pantau:render` (read with a PerformanceObserver; cleared at once so that nothing piles up
// in the timeline),
// and `pantau:first-complete` marks the end of the first render with the snapshot applied and
// every OPD's tile in the page (bench/wall reads both).
let frame = 0;
let complete = false;
function render(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const t0 = performance.now();
    tilesArea(); // when unknown, read before this frame's writes: a layout of the page as it is
    model.expire();
    renderHeader();
    const t1 = performance.now();
    renderTiles();
    const t2 = performance.now();
    renderProblems();
    tick();
    const t3 = performance.now();
    // The layout the frame needs anyway, done here so that the measure holds it (paint follows).
    void app.offsetHeight;
    // detail: where the frame's time went (ms), for bench/wall.
    const detail = { header: t1 - t0, tiles: t2 - t1, problems: t3 - t2, layout: performance.now() - t3 };
    performance.measure('pantau:render', { start: t0, detail });
    performance.clearMeasures('pantau:render');
    if (!complete && model.loaded && model.opds.size > 0 && tiles.childElementCount === model.opds.size) {
      complete = true;
      performance.mark('pantau:first-complete', { detail });
    }
  });
}

const connection = new Connection(
  (m) => {
    const fired = model.apply(m);
    if (fired.some((a) => a.severity === 'critical') && sound.shouldSound()) beep();
    render();
  },
  (s) => {
    conn = s;
    render();
  },
);
const downSince = (): number | undefined => connection?.downSince;

$('lang').onclick = () => {
  lang = lang === 'id' ? 'en' : 'id';
  saveLang(lang);
  w = words(lang);
  render();
};
$('mute').onclick = () => {
  sound.setMuted(!sound.muted);
  render();
};
$('snooze').onchange = (e) => {
  const sel = e.target as HTMLSelectElement;
  const v = sel.value;
  sel.value = ''; // back to the prompt: the choice is made
  if (v === 'cancel') sound.cancelSnooze();
  else if (v) sound.snooze(Number(v));
  render();
};
problems.addEventListener('click', async (e) => {
  const id = (e.target as HTMLElement).dataset?.ack;
  if (!id) return;
  (e.target as HTMLButtonElement).disabled = true;
  await api(`/api/v1/alerts/${id}/ack`, { method: 'POST', body: '{}' }).catch(() => undefined);
});

async function askToken(message: string): Promise<void> {
  const dlg = $('dlg') as HTMLDialogElement;
  $('dlg-msg').textContent = message;
  $('dlg-label').textContent = w.token;
  $('dlg-ok').textContent = w.submit;
  $('dlg-cancel').textContent = w.cancel;
  $('dlg-err').textContent = '';
  (($('dlg-token') as HTMLInputElement).value = '');
  dlg.showModal();
  await new Promise<void>((done) => dlg.addEventListener('close', () => done(), { once: true }));
  if (dlg.returnValue !== 'ok') return;
  const who = await signIn(($('dlg-token') as HTMLInputElement).value.trim());
  if (!who) {
    $('dlg-err').textContent = w.refused;
    return askToken(message);
  }
  role = who.role;
  render();
}
$('login').onclick = async () => {
  if (role === 'operator' || role === 'admin') {
    await api('/api/v1/session', { method: 'DELETE' }).catch(() => undefined);
    role = (await whoAmI())?.role;
    render();
  } else await askToken(w.login);
};

// Anti burn-in: the whole picture moves a few pixels every two minutes.
const SHIFTS = [[0, 0], [3, 2], [-2, 3], [2, -3], [-3, -2]];
let shift = 0;
setInterval(() => {
  const [x, y] = SHIFTS[++shift % SHIFTS.length];
  app.style.transform = `translate(${x}px, ${y}px)`;
}, 120_000);
setInterval(tick, 1000);
setInterval(render, 5000); // ages, staleness and highlights move on with time
addEventListener('resize', () => {
  viewport = { w: innerWidth, h: innerHeight };
  area = undefined;
  render();
});

(async () => {
  render();
  // Signed in already (the page says who its cookie is): the stream opens at once.
  if (body.dataset.role) {
    role = body.dataset.role;
    connection.start();
    return;
  }
  for (;;) {
    try {
      const who = await whoAmI();
      if (who) {
        role = who.role;
        break;
      }
      await askToken(w.loginNeeded);
    } catch {
      conn = 'offline';
      render();
      await new Promise((r) => setTimeout(r, 3000)); // the collector is not answering yet
    }
  }
  connection.start();
})();
