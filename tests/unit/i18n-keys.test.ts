import { describe, expect, it } from 'vitest';
import en from '../../renderer/src/i18n/en.json';
import zhCN from '../../renderer/src/i18n/zh-CN.json';
import { resolveLocale } from '../../renderer/src/i18n/locale';

/** Every leaf of a translation tree as [dotted key, value]. */
function leaves(tree: unknown, prefix = ''): Array<[string, unknown]> {
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) return [[prefix, tree]];
  return Object.entries(tree).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const placeholders = (s: string): string[] => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();

describe('translations', () => {
  const enLeaves = new Map(leaves(en));
  const zhLeaves = new Map(leaves(zhCN));

  it('zh-CN and en have exactly the same keys', () => {
    const missingInZh = [...enLeaves.keys()].filter((k) => !zhLeaves.has(k));
    const missingInEn = [...zhLeaves.keys()].filter((k) => !enLeaves.has(k));
    expect({ missingInZh, missingInEn }).toEqual({ missingInZh: [], missingInEn: [] });
  });

  it('every value is a non-empty string', () => {
    const bad = [...enLeaves, ...zhLeaves].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
    expect(bad).toEqual([]);
  });

  it('each key uses the same {{placeholders}} in both languages', () => {
    const mismatched = [...enLeaves.keys()].filter((k) => {
      const a = enLeaves.get(k);
      const b = zhLeaves.get(k);
      return typeof a === 'string' && typeof b === 'string' && placeholders(a).join() !== placeholders(b).join();
    });
    expect(mismatched).toEqual([]);
  });

  it('the Chinese file is really translated (no English sentence copied over)', () => {
    // Brand names and symbols may stay as they are; sentences may not.
    const words = (v: string) => v.replace(/\{\{\w+\}\}/g, '').match(/[A-Za-z]+/g)?.length ?? 0;
    const copied = [...enLeaves].filter(([k, v]) => typeof v === 'string' && words(v) > 2 && zhLeaves.get(k) === v);
    expect(copied.map(([k]) => k)).toEqual([]);
  });
});

describe('resolveLocale', () => {
  it('follows a Chinese OS locale of any region or script', () => {
    for (const os of ['zh', 'zh-CN', 'zh-TW', 'zh-Hans-CN', 'ZH-hk']) expect(resolveLocale(null, os)).toBe('zh-CN');
  });
  it('falls back to English for every other OS locale', () => {
    for (const os of ['en-US', 'de-DE', 'ja-JP', '']) expect(resolveLocale(null, os)).toBe('en');
  });
  it('lets the Settings choice override the OS', () => {
    expect(resolveLocale('en', 'zh-CN')).toBe('en');
    expect(resolveLocale('zh-CN', 'en-US')).toBe('zh-CN');
  });
});
