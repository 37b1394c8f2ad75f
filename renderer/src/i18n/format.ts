import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Intl formatters are slow to build: one set per language, shared by every component. */
const INTL = new Map<string, ReturnType<typeof intlFor>>();

function intlFor(lang: string) {
  return {
    dateTime: new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
    date: new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric' }),
    day: new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }),
    time: new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }),
    exact: new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' }),
    relative: new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }),
    numbers: new Map<string, Intl.NumberFormat>(),
  };
}

function intl(lang: string): ReturnType<typeof intlFor> {
  let found = INTL.get(lang);
  if (!found) {
    found = intlFor(lang);
    INTL.set(lang, found);
  }
  return found;
}

/** Locale-aware formatters for the current UI language. */
export function useFormat() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return useMemo(() => {
    const { dateTime, date, day, time, exact, relative, numbers } = intl(lang);
    const numberFormat = (key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat => {
      let found = numbers.get(key);
      if (!found) {
        found = new Intl.NumberFormat(lang, options);
        numbers.set(key, found);
      }
      return found;
    };
    return {
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      date: (iso: string) => date.format(new Date(iso)),
      /** A calendar day such as 2026-03-01, which has no time zone. */
      day: (isoDate: string) => day.format(new Date(`${isoDate}T00:00:00Z`)),
      time: (iso: string) => time.format(new Date(iso)),
      /** The full date and time, e.g. for a tooltip beside a relative time. */
      exact: (iso: string) => exact.format(new Date(iso)),
      /** "3 hours ago", "3小时前", "yesterday": the largest whole unit of the span to `now`. */
      relative: (iso: string, now = Date.now()) => {
        const ms = Date.parse(iso) - now;
        const abs = Math.abs(ms);
        const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
          abs < MINUTE
            ? [0, 'second']
            : abs < HOUR
              ? [ms / MINUTE, 'minute']
              : abs < DAY
                ? [ms / HOUR, 'hour']
                : abs < 30 * DAY
                  ? [ms / DAY, 'day']
                  : abs < 365 * DAY
                    ? [ms / (30 * DAY), 'month']
                    : [ms / (365 * DAY), 'year'];
        // Truncate toward zero: 59 minutes is "59 minutes ago", not "1 hour ago".
        return relative.format(Math.trunc(value), unit);
      },
      /** "3 h 20 min", "45 min" or "2 d 4 h" for a span in milliseconds. */
      duration: (ms: number) => {
        const abs = Math.abs(ms);
        if (abs >= 2 * DAY) return t('time.days', { d: Math.floor(abs / DAY), h: Math.floor((abs % DAY) / HOUR) });
        if (abs >= HOUR) return t('time.hoursMinutes', { h: Math.floor(abs / HOUR), m: Math.floor((abs % HOUR) / MINUTE) });
        return t('time.minutes', { m: Math.max(1, Math.floor(abs / MINUTE)) });
      },
      money: (amount: number, currency: string) =>
        numberFormat(`money:${currency}`, { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount),
      number: (n: number, digits = 0) => numberFormat(`number:${digits}`, { maximumFractionDigits: digits }).format(n),
    };
  }, [lang, t]);
}

export const durations = { MINUTE, HOUR, DAY };
