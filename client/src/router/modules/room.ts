import type { RouteRecordRaw } from 'vue-router';

/**
 * Live meeting screens: the delegate's meeting room, the chair console and the bridge view in
 * the app shell; the hall's big-screen layout full screen. Each page is its own chunk.
 */
export const shellRoutes: RouteRecordRaw[] = [
  {
    path: 'meetings/:id/room',
    name: 'meeting-room',
    component: () => import('../../pages/room/MeetingRoomPage.vue'),
    meta: { title: 'room.title' },
  },
  {
    path: 'meetings/:id/chair',
    name: 'meeting-chair',
    component: () => import('../../pages/room/ChairConsolePage.vue'),
    meta: { title: 'room.chair.title' },
  },
  {
    path: 'meetings/:id/bridge',
    name: 'meeting-bridge',
    component: () => import('../../pages/room/BridgePage.vue'),
    meta: { title: 'room.bridge.title' },
  },
];

/** The hall's big screen: the programme only, no app chrome. */
export const topRoutes: RouteRecordRaw[] = [
  {
    path: '/meetings/:id/hall',
    name: 'meeting-hall',
    component: () => import('../../pages/room/BridgePage.vue'),
    props: { layout: 'hall' },
    meta: { title: 'room.bridge.hallTitle' },
  },
];
