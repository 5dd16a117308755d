import type { RouteRecordRaw } from 'vue-router';

/** Usage statistics for unit and system administrators. */
export const shellRoutes: RouteRecordRaw[] = [
  {
    path: 'admin/stats',
    name: 'admin-stats',
    component: () => import('../../pages/admin/StatsPage.vue'),
    meta: { admin: true, title: 'stats.title' },
  },
];
