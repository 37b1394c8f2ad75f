import { describe, expect, it } from 'vitest';
import { shareEqual } from '../../renderer/src/api/structural-sharing';

describe('structural sharing of call answers', () => {
  interface Answer {
    leads: { id: string; city: string | null; tags?: string[] }[];
    total: number;
    extra?: number;
  }
  const answer = (): Answer => ({ leads: [{ id: 'a', city: '杭州', tags: ['x'] }, { id: 'b', city: null }], total: 2 });

  it('keeps the previous answer when the new one is equal', () => {
    const previous = answer();
    expect(shareEqual(previous, answer())).toBe(previous);
  });

  it('keeps unchanged rows and replaces only what changed', () => {
    const previous = answer();
    const next = answer();
    next.leads[1] = { id: 'b', city: '宁波' };
    const shared = shareEqual(previous, next);
    expect(shared).not.toBe(previous);
    expect(shared.leads[0]).toBe(previous.leads[0]);
    expect(shared.leads[1]).toEqual({ id: 'b', city: '宁波' });
    expect(shared).toEqual(next);
  });

  it('sees added, removed and reordered parts', () => {
    const previous = answer();
    expect(shareEqual(previous, { ...answer(), extra: 1 })).not.toBe(previous);
    expect(shareEqual(previous, { leads: answer().leads.slice(0, 1), total: 2 }).leads).not.toBe(previous.leads);
    const reordered = shareEqual(previous, { leads: [...answer().leads].reverse(), total: 2 });
    expect(reordered.leads.map((l) => l.id)).toEqual(['b', 'a']);
    expect(shareEqual({ a: undefined }, { b: undefined })).toEqual({ b: undefined });
    expect(shareEqual(null, answer())).toEqual(answer());
  });
});
