import 'i18next';
import type en from './en.json';

// Typed keys: t('nav.agendaa') is a compile error.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
