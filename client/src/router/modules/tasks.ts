import type { RouteRecordRaw } from 'vue-router';

/** Tasks from notices of conclusions: the units' list, the dashboard and one task. */
export const shellRoutes: RouteRecordRaw[] = [
  {
    path: 'tasks',
    name: 'tasks',
    component: () => import('../../tasks/TasksPage.vue'),
    meta: { title: 'tasks.title' },
  },
  {
    path: 'tasks/dashboard',
    name: 'task-dashboard',
    component: () => import('../../tasks/TaskDashboardPage.vue'),
    meta: { title: 'tasks.dashboard.title' },
  },
  {
    path: 'tasks/:id([0-9a-f]{24})',
    name: 'task',
    component: () => import('../../tasks/TaskDetailPage.vue'),
    meta: { title: 'tasks.detailTitle' },
  },
];
