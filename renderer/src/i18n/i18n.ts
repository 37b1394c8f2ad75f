import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../../shared/domain/enums';
import en from './en.json';
import zhCN from './zh-CN.json';

export const resources = {
  en: { translation: en },
  'zh-CN': { translation: zhCN },
} as const;

/** One i18next instance for the renderer; the app switches its language when settings change. */
export function createI18n(initial: Locale): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: initial,
    fallbackLng: 'en',
    supportedLngs: ['en', 'zh-CN'],
    // React escapes on render already.
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}
