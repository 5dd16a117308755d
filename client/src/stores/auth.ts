import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SessionResponse } from '../../../server/contracts/auth';
import type { User } from '../../../server/contracts/users';
import { request, useTokenProvider } from '../api/http';

/**
 * The logged-in session: the user, a short-lived access token kept in memory only, and its
 * renewal through the HttpOnly refresh cookie a minute before it expires.
 */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null);
  const token = ref<string | undefined>();
  const expiresAt = ref<number>(0);
  const sessionExpired = ref(false);
  let refreshing: Promise<boolean> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const isAdmin = computed(
    () =>
      !!user.value &&
      (user.value.roles.includes('system_admin') || user.value.roles.includes('unit_admin')),
  );

  function apply(session: SessionResponse): void {
    user.value = session.user;
    token.value = session.token;
    expiresAt.value = Date.parse(session.expiresAt);
    sessionExpired.value = false;
    clearTimeout(timer);
    const inMs = Math.max(5_000, expiresAt.value - Date.now() - 60_000);
    timer = setTimeout(() => void refresh(), inMs);
  }

  function clear(): void {
    user.value = null;
    token.value = undefined;
    expiresAt.value = 0;
    clearTimeout(timer);
  }

  async function login(username: string, password: string): Promise<void> {
    apply(
      await request<SessionResponse>('POST', '/api/auth/login', {
        body: { username, password },
        anonymous: true,
      }),
    );
  }

  /** Renews the access token; concurrent callers share one request. Resolves false when the session is over. */
  function refresh(): Promise<boolean> {
    refreshing ??= request<SessionResponse>('POST', '/api/auth/refresh', {
      body: {},
      anonymous: true,
    })
      .then((session) => {
        apply(session);
        return true;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  }

  /** On start: resume the session from the refresh cookie, if there is one. */
  async function restore(): Promise<void> {
    if (!user.value) await refresh();
  }

  async function logout(): Promise<void> {
    try {
      await request('POST', '/api/auth/logout', { body: {} });
    } finally {
      clear();
    }
  }

  useTokenProvider({
    token: () => token.value,
    refresh,
    expired: () => {
      if (user.value) sessionExpired.value = true;
      clear();
    },
  });

  return { user, token, expiresAt, isAdmin, sessionExpired, login, refresh, restore, logout };
});
