import { inject, provide, ref } from 'vue';
import type { InjectionKey, Ref } from 'vue';
import { useErrorMessage } from '../composables/useErrorMessage';

/** One busy flag and one error line shared by every control of a live screen. */
export interface Actions {
  /** An action is running: the screen's controls are disabled meanwhile. */
  busy: Ref<boolean>;
  /** The last action's failure, in the user's language ('' when none). */
  error: Ref<string>;
  /**
   * Runs an action: busy while it runs, its failure shown as `error`. Never throws.
   * @returns whether it succeeded.
   */
  run: (fn: () => Promise<unknown>) => Promise<boolean>;
}

const KEY: InjectionKey<Actions> = Symbol('live-actions');

/**
 * Creates the screen's actions and hands them to its panels (call in the page's setup), so one
 * click disables the controls of every panel and one error line reports any of them.
 */
export function provideActions(): Actions {
  const errorMessage = useErrorMessage();
  const busy = ref(false);
  const error = ref('');
  const actions: Actions = {
    busy,
    error,
    run: async (fn) => {
      busy.value = true;
      error.value = '';
      try {
        await fn();
        return true;
      } catch (err) {
        error.value = errorMessage(err);
        return false;
      } finally {
        busy.value = false;
      }
    },
  };
  provide(KEY, actions);
  return actions;
}

/** The actions of the page this panel sits in. @throws Error outside such a page (a bug). */
export function useActions(): Actions {
  const actions = inject(KEY, null);
  if (!actions) throw new Error('useActions() needs provideActions() in the page');
  return actions;
}
