// GET /api/v1/usage (the monthly evaluation) and GET /api/v1/series (rates for charts).
import type { FastifyInstance } from 'fastify';
import type { CollectorConfig } from '../../config/collector.js';
import type { Auth } from '../api/auth.js';
import { ApiError } from '../api/errors.js';
import { isMonth, monthOf, monthRange } from '../accounting/months.js';
import type { UsageService } from './service.js';

const MAX_POINTS = 5000;

export function registerUsage(app: FastifyInstance, cfg: CollectorConfig, auth: Auth, usage: UsageService, now: () => number = Date.now): void {
  app.get<{ Querystring: { month?: string; opd?: string; lang?: string } }>('/api/v1/usage', async (req) => {
    auth.requireUser(req.headers.authorization, 'viewer');
    const { month, opd, lang } = req.query;
    if (month !== undefined && !isMonth(month)) throw new ApiError('PANTAU_BAD_REQUEST', `month: expected YYYY-MM such as 2026-10, found "${month}"`, 'month');
    if (opd !== undefined && !cfg.opds.some((o) => o.id === opd)) throw new ApiError('PANTAU_NOT_FOUND', `opd: no OPD "${opd}" in the configuration`, 'opd');
    if (lang !== undefined && lang !== 'id' && lang !== 'en') throw new ApiError('PANTAU_BAD_REQUEST', `lang: expected id or en, found "${lang}"`, 'lang');
    const t = now();
    if (month !== undefined && monthRange(month, cfg.timezone).from > t)
      throw new ApiError('PANTAU_BAD_REQUEST', `month: ${month} has not begun in ${cfg.timezone}; expected this month (${monthOf(t, cfg.timezone)}) or an earlier one`, 'month');
    return usage.evaluate({ month, opd, language: lang as 'id' | 'en' | undefined, now: t });
  });

  app.get<{ Querystring: { device?: string; interface?: string; from?: string; to?: string; step?: string } }>('/api/v1/series', async (req) => {
    auth.requireUser(req.headers.authorization, 'viewer');
    const q = req.query;
    if (!q.device) throw new ApiError('PANTAU_BAD_REQUEST', 'device: expected a device id', 'device');
    if (!q.interface) throw new ApiError('PANTAU_BAD_REQUEST', 'interface: expected an interface name', 'interface');
    const to = q.to === undefined ? now() : Number(q.to);
    const from = q.from === undefined ? to - 86_400_000 : Number(q.from);
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) throw new ApiError('PANTAU_BAD_REQUEST', 'from, to: expected ms since the epoch with from < to', 'from');
    let step = q.step === undefined ? Math.max(300, Math.ceil((to - from) / 1000 / 500 / 300) * 300) : Number(q.step);
    if (!Number.isInteger(step) || step < 300 || step % 300 !== 0) throw new ApiError('PANTAU_BAD_REQUEST', `step: expected seconds, a multiple of 300, found "${q.step}"`, 'step');
    if ((to - from) / 1000 / step > MAX_POINTS) throw new ApiError('PANTAU_BAD_REQUEST', `step: ${step} s gives more than ${MAX_POINTS} points over this range; use a larger step`, 'step');
    const series = usage.seriesId(q.device, q.interface);
    if (series === undefined) throw new ApiError('PANTAU_NOT_FOUND', `no samples for ${q.device} ${q.interface}`, 'interface');
    const stepMs = step * 1000;
    const start = Math.floor(from / stepMs) * stepMs;
    const buckets = usage.buckets(series, start, to);
    const points = new Map<number, { inBytes: bigint; outBytes: bigint; coveredMs: number }>();
    for (const b of buckets) {
      const t = Math.floor(b.bucket / stepMs) * stepMs;
      const p = points.get(t);
      if (p) {
        p.inBytes += b.inBytes;
        p.outBytes += b.outBytes;
        p.coveredMs += b.coveredMs;
      } else points.set(t, { inBytes: b.inBytes, outBytes: b.outBytes, coveredMs: b.coveredMs });
    }
    return {
      device: q.device,
      interface: q.interface,
      step,
      from: start,
      to,
      // Average rate over each step, bit/s; `coverage` is the share of the step with samples.
      points: [...points.entries()].map(([ts, p]) => ({
        ts,
        inBps: Number(p.inBytes * 8n) / step,
        outBps: Number(p.outBytes * 8n) / step,
        coverage: Math.min(1, p.coveredMs / stepMs),
      })),
    };
  });
}
