// GET /api/v1/uptime?month=YYYY-MM (viewer): availability per device over a calendar month in
// the deployment's zone (default: the current month, up to now). A bad or future month is 400.
import type { FastifyInstance } from 'fastify';
import type { CollectorConfig } from '../../config/collector.js';
import type { Auth } from '../api/auth.js';
import { ApiError } from '../api/errors.js';
import { isMonth, monthOf, monthRange } from '../accounting/months.js';
import type { UptimeService } from './service.js';

export function registerUptime(app: FastifyInstance, cfg: CollectorConfig, auth: Auth, uptime: UptimeService, now: () => number = Date.now): void {
  app.get<{ Querystring: { month?: string } }>('/api/v1/uptime', async (req) => {
    auth.requireUser(req.headers.authorization, 'viewer');
    const { month } = req.query;
    if (month !== undefined && !isMonth(month)) throw new ApiError('PANTAU_BAD_REQUEST', `month: expected YYYY-MM such as 2026-10, found "${month}"`, 'month');
    const t = now();
    if (month !== undefined && monthRange(month, cfg.timezone).from > t)
      throw new ApiError('PANTAU_BAD_REQUEST', `month: ${month} has not begun in ${cfg.timezone}; expected this month (${monthOf(t, cfg.timezone)}) or an earlier one`, 'month');
    return uptime.month(month, t);
  });
}
