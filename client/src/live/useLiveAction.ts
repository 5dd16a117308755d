import { inject, provide, ref } from 'vue';
import type { InjectionKey, Ref } from 'vue';
import { useErrorMessage } from '../composables/useErrorMessage';

/** One screen's actions: whether one is running, and the last failure as a sentence. */
export interface LiveAction {
  busy: Ref<boolean>;
  error: Ref<string>;
  /** Runs `fn` with `busy` set; a failure lands in `error` (never thrown). */
  run: (fn: () => Promise<unknown>) => Promise<void>;
}

const key: InjectionKey<LiveAction> = Symbol('live-action');

/**
 * Creates a screen's action/busy helper and shares it with the panels below: one action at a
 * time, one place where its error shows. Call in the page's setup.
 */
export function provideLiveAction(): LiveAction {
  const errorMessage = useErrorMessage();
  const busy = ref(false);
  const error = ref('');
  const action: LiveAction = {
    busy,
    error,
    run: async (fn) => {
      busy.value = true;
      error.value = '';
      try {
        await fn();
      } catch (err) {
        error.value = errorMessage(err);
      } finally {
        busy.value = false;
      }
    },
  };
  provide(key, action);
  return action;
}

/** The page's action/busy helper, in a panel. @throws Error outside a page that provides it. */
export function useLiveAction(): LiveAction {
  const action = inject(key, null);
  if (!action) throw new Error('useLiveAction: the page must call provideLiveAction() first');
  return action;
}
