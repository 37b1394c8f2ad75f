import { describe, expect, it } from 'vitest';
import en from '../../renderer/src/i18n/en.json';
import zhCN from '../../renderer/src/i18n/zh-CN.json';

/** Every leaf of a translation tree as [dotted key, value]. */
function leaves(tree: unknown, prefix = ''): Array<[string, string]> {
  if (typeof tree === 'string') return [[prefix, tree]];
  if (typeof tree !== 'object' || tree === null) return [];
  return Object.entries(tree).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * Lead routing, claiming from the pool and the timers that move leads to
 * review or to the pool do not exist yet (the lead-lifecycle issue builds
 * them), nor does emailing proposals through Outlook: no screen may say they happen.
 */
const PROMISES: readonly RegExp[] = [
  /routed to you/i,
  /\bautomatically\b.*\b(routed|assigned|pool|review)\b|\b(routed|assigned|pool|review)\b.*\bautomatically\b/i,
  /\bany rep may\b|\bfor any rep to claim\b|\bmay claim\b/i,
  /\bland here\b/i,
  /自动分配给您|自动转入|都可以领取|会进入(公海|这里)/,
  // Emailing proposals from Verity and the Outlook connection do not exist yet either.
  /\byou email from Verity are tracked\b|\bwill be tracked here\b/i,
  /方案会在这里追踪|会在这里被追踪/,
];

describe('the screens promise nothing that does not exist', () => {
  for (const [name, tree] of [
    ['en', en],
    ['zh-CN', zhCN],
  ] as const) {
    it(`${name}: no text says leads are routed, claimed or moved by a timer`, () => {
      const promising = leaves(tree).filter(([, text]) => PROMISES.some((p) => p.test(text)));
      expect(promising).toEqual([]);
    });
  }
});
