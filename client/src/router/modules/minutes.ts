import type { RouteRecordRaw } from 'vue-router';

/** Minutes: the secretary's and chair's screen of a meeting. */
export const shellRoutes: RouteRecordRaw[] = [
  {
    path: 'meetings/:id([0-9a-f]{24})/minutes',
    name: 'meeting-minutes',
    component: () => import('../../minutes/MinutesPage.vue'),
    meta: { title: 'minutes.title' },
  },
];

/** The public records page (no login): search and verification of published files. */
export const topRoutes: RouteRecordRaw[] = [
  {
    path: '/records',
    name: 'public-records',
    component: () => import('../../minutes/PublicRecordsPage.vue'),
    meta: { public: true, title: 'minutes.public.title' },
  },
];
