import { createI18n } from 'vue-i18n';
import en from './en';
import vi from './vi';

/** Languages of the UI; Vietnamese is the default. */
export const LOCALES = ['vi', 'en'] as const;
/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number];

/**
 * Strings of a feature area: `client/src/i18n/modules/<area>.ts` exports `vi` and `en` objects
 * with the same keys, each under one top-level namespace of its own (e.g. `{ meetings: {...} }`),
 * so areas never edit each other's files. A large area keeps pieces of its namespace in
 * `modules/<area>/` (not loaded here) and spreads them into its own module.
 */
interface MessageModule {
  vi: Record<string, unknown>;
  en: Record<string, unknown>;
}
const modules = Object.values(import.meta.glob<MessageModule>('./modules/*.ts', { eager: true }));

const STORAGE_KEY = 'dienhong.locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'vi' ? saved : 'vi';
}

/** The app's vue-i18n instance (Composition API mode). */
export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'vi',
  messages: {
    vi: Object.assign({}, vi, ...modules.map((m) => m.vi)) as typeof vi,
    en: Object.assign({}, en, ...modules.map((m) => m.en)) as typeof en,
  },
});

/** Switches the UI language, remembers it, and updates `<html lang>`. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}
