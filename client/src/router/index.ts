import { createRouter, createWebHistory } from 'vue-router';
import type { RouteRecordRaw } from 'vue-router';
import { useAuthStore } from '../stores/auth';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without logging in. */
    public?: boolean;
    /** Only for system and unit administrators. */
    admin?: boolean;
    /** i18n key of the page title. */
    title?: string;
  }
}

/**
 * Routes of a feature area: `client/src/router/modules/<area>.ts` exports `shellRoutes` (pages
 * inside the app shell, paths relative to `/`) and/or `topRoutes` (full-screen or public pages).
 */
interface RouteModule {
  shellRoutes?: RouteRecordRaw[];
  topRoutes?: RouteRecordRaw[];
}
const areas = Object.values(import.meta.glob<RouteModule>('./modules/*.ts', { eager: true }));

/** Routes; every page is its own chunk so a screen loads only what it needs. */
export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../pages/LoginPage.vue'),
    meta: { public: true, title: 'login.title' },
  },
  {
    path: '/',
    component: () => import('../layouts/AppShell.vue'),
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('../pages/HomePage.vue'),
        meta: { title: 'nav.home' },
      },
      {
        path: 'admin/units',
        name: 'admin-units',
        component: () => import('../pages/admin/UnitsPage.vue'),
        meta: { admin: true, title: 'nav.units' },
      },
      {
        path: 'admin/users',
        name: 'admin-users',
        component: () => import('../pages/admin/UsersPage.vue'),
        meta: { admin: true, title: 'nav.users' },
      },
      ...areas.flatMap((a) => a.shellRoutes ?? []),
    ],
  },
  ...areas.flatMap((a) => a.topRoutes ?? []),
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../pages/NotFoundPage.vue'),
    meta: { public: true, title: 'notFound.title' },
  },
];

/** The app router, with the login guard. */
export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes });
  let restored = false;
  router.beforeEach(async (to) => {
    const auth = useAuthStore();
    if (!restored) {
      restored = true;
      await auth.restore();
    }
    if (to.meta.public) return true;
    if (!auth.user)
      return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    if (to.meta.admin && !auth.isAdmin) return { name: 'home' };
    return true;
  });
  return router;
}
