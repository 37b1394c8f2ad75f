import type { Locale } from '../../../shared/domain/enums';

/** The chosen locale wins; otherwise any Chinese OS locale (zh, zh-TW, zh-Hans-CN…) gets zh-CN, the rest English. */
export function resolveLocale(chosen: Locale | null, osLocale: string): Locale {
  if (chosen) return chosen;
  return osLocale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
