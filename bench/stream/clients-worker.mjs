// A worker thread holding a share of the benchmark's displays: `ws` clients of the stream that
// take each message's arrival time first (process.hrtime: CLOCK_MONOTONIC, the same clock as the
// sender's in the main thread), then read it. Plain JavaScript so that the worker needs no loader.
// Messages from the main thread: {cmd:'open', n} opens n more displays (each waits for its
// snapshot); {cmd:'collect'} sends back and forgets what arrived; {cmd:'close'}.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { url, token, record } = workerData;
const sockets = [];
/** Per status event per display: [arrival ns as a Number offset from `base`, the batch's ping ts]. */
let arrivals = [];
const texts = new Map();
let snapshotBytes = 0;
let snapshots = 0;
let messages = 0;
let bytes = 0;
const base = process.hrtime.bigint();

function open(first) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    let got = false;
    ws.on('message', (data) => {
      const at = process.hrtime.bigint();
      messages++;
      bytes += data.length;
      const text = data.toString();
      if (!got) {
        got = true;
        snapshots++;
        snapshotBytes += data.length;
        return resolve();
      }
      // The batch is named by its ping timestamp, which every device of the event carries.
      const m = JSON.parse(text);
      if (m.type !== 'status') return;
      const ts = m.devices?.[0]?.ping?.ts;
      if (typeof ts !== 'number') return;
      arrivals.push(Number(at - base), ts);
      if (first && record && !texts.has(ts)) texts.set(ts, text);
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode} on upgrade`)));
    sockets.push(ws);
  });
}

parentPort.on('message', async (m) => {
  try {
    if (m.cmd === 'open') {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < m.n; i += 25) await Promise.all(Array.from({ length: Math.min(25, m.n - i) }, (_, k) => open(sockets.length === 0 && i + k === 0)));
      parentPort.postMessage({ ok: 'open', ms: Number(process.hrtime.bigint() - t0) / 1e6, sockets: sockets.length, snapshotBytes, snapshots });
    } else if (m.cmd === 'collect') {
      parentPort.postMessage({ ok: 'collect', base: base.toString(), arrivals, texts: [...texts], messages, bytes });
      arrivals = [];
      texts.clear();
    } else if (m.cmd === 'close') {
      for (const ws of sockets) ws.terminate();
      parentPort.postMessage({ ok: 'close' });
    }
  } catch (e) {
    parentPort.postMessage({ error: String(e?.stack ?? e) });
  }
});
