import { useI18n } from 'vue-i18n';
import { ApiError } from '../api/http';

/**
 * Turns any error into a sentence in the user's language with what to do next; never a raw
 * code or stack trace. Unknown server errors add the request id for the administrator.
 */
export function useErrorMessage(): (err: unknown) => string {
  const i18n = useI18n();
  const t = (key: string, values?: Record<string, unknown>): string =>
    values ? i18n.t(key, values) : i18n.t(key);
  const te = (key: string): boolean => i18n.te(key);
  return (err: unknown) => {
    if (err instanceof ApiError) {
      if (err.code === 'network') return t('errors.network');
      if (err.code === 'rate_limited') {
        const seconds =
          (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60;
        return t('errors.rate_limited', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
      }
      const state = (name: unknown): string | null =>
        typeof name === 'string' && te(`meetings.states.${name}`)
          ? t(`meetings.states.${name}`)
          : null;
      const details = (err.details ?? {}) as { current?: unknown; requested?: unknown };
      // Say which state refused the action: reloading the page does not change it.
      if (err.code === 'conflict' && state(details.current))
        return t('errors.conflictState', { state: state(details.current) });
      if (err.code === 'invalid_transition' && state(details.current) && state(details.requested))
        return t('errors.invalidTransitionFrom', {
          current: state(details.current),
          requested: state(details.requested),
        });
      const key = `errors.${err.code}`;
      const text = te(key) ? t(key) : t('errors.generic');
      return err.code === 'internal' && err.requestId
        ? `${text} ${t('errors.requestId', { id: err.requestId })}`
        : text;
    }
    return t('errors.generic');
  };
}
