import { usageStatsQuerySchema, usageStatsSchema } from '../contracts/stats';
import type { ApiRouter } from '../http/api-router';
import { usageStats, usageStatsCsv } from './usage-stats.service';

/** `/api/stats/usage`: usage statistics for unit and system administrators (JSON and CSV). */
export function registerStatsRoutes(api: ApiRouter): void {
  api.route({
    method: 'get',
    path: '/stats/usage',
    summary:
      'Meetings held per host unit and month, sites connected and their join delay, attendance, minutes on time (administrators)',
    tags: ['stats'],
    query: usageStatsQuerySchema,
    response: usageStatsSchema,
    errors: [400, 403, 404],
    handler: ({ user, query }) => usageStats(user, query),
  });

  api.route({
    method: 'get',
    path: '/stats/usage.csv',
    summary:
      'The same rows as CSV (UTF-8 with BOM for Excel). A download link carries a single-use ?ticket= (POST /api/tickets), never the access token.',
    tags: ['stats'],
    ticket: 'download',
    query: usageStatsQuerySchema,
    responseContentType: 'text/csv',
    errors: [400, 403, 404],
    handler: async ({ user, query, res }) => {
      const stats = await usageStats(user, query);
      res
        .status(200)
        .set({
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="thong-ke-su-dung_${stats.from}_${stats.to}.csv"`,
          'Cache-Control': 'no-store',
        })
        .send(usageStatsCsv(stats));
      return undefined;
    },
  });
}
