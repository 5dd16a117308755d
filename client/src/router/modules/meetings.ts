import type { RouteRecordRaw } from 'vue-router';

/** Meetings: list and calendar, one meeting, and its preparation (agenda, documents, drafts). */
export const shellRoutes: RouteRecordRaw[] = [
  {
    path: 'meetings',
    name: 'meetings',
    component: () => import('../../pages/meetings/MeetingsPage.vue'),
    meta: { title: 'meetings.title' },
  },
  {
    path: 'meetings/:id([0-9a-f]{24})',
    name: 'meeting',
    component: () => import('../../pages/meetings/MeetingDetailPage.vue'),
    meta: { title: 'meetings.title' },
  },
  {
    path: 'meetings/:id([0-9a-f]{24})/prepare',
    name: 'meeting-prepare',
    component: () => import('../../pages/meetings/PreparePage.vue'),
    meta: { title: 'meetings.prepare.agenda' },
  },
];
