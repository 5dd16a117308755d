import { onBeforeUnmount, ref } from 'vue';
import type { Ref } from 'vue';

/**
 * Whether a CSS media query matches, kept current while the component lives (e.g. a phone
 * layout where CSS alone cannot rearrange a component, such as a table into a list).
 */
export function useMediaQuery(query: string): Ref<boolean> {
  const list = window.matchMedia(query);
  const matches = ref(list.matches);
  const onChange = (e: MediaQueryListEvent): void => {
    matches.value = e.matches;
  };
  list.addEventListener('change', onChange);
  onBeforeUnmount(() => list.removeEventListener('change', onChange));
  return matches;
}
