import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LeadSchema, OpportunitySchema, TimestampSchema } from '../../shared/domain/entities';
import { isPhoneNumber } from '../../shared/domain/phone';
import { checkedPerEntry, findUnstorable, isStorableText, SafeTextSchema, storableCopy } from '../../shared/domain/text';
import { PushRequestSchema } from '../../shared/sync/protocol';

describe('storable text', () => {
  it('refuses NUL and lone surrogates, keeps every other character', () => {
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('\uD83D')).toBe(false);
    expect(isStorableText('x\uDE00y')).toBe(false);
    expect(isStorableText('\uDE00\uD83D')).toBe(false);
    expect(isStorableText('王芳 😀 \u0001 \uFFFD')).toBe(true);
  });

  it('is the rule of the shared entity schemas', () => {
    const issue = SafeTextSchema.safeParse('a\u0000');
    expect(issue.success).toBe(false);
    const lead = LeadSchema.shape;
    expect(lead.company.safeParse('明康\u0000').success).toBe(false);
    expect(lead.id.safeParse('\uD800').success).toBe(false);
  });

  it('finds the path of the first unstorable string, keys included', () => {
    expect(findUnstorable({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toBe('a.1.c');
    expect(findUnstorable({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(findUnstorable('\uD800')).toBe('(root)');
    expect(findUnstorable({ n: 1, b: true, z: null, s: 'fine' })).toBeNull();
  });

  it('walks input nested far deeper than the call stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const found = findUnstorable({ args: deep });
    expect(found?.startsWith('args.0.0.')).toBe(true);
    expect(found?.split('.')).toHaveLength(100_001);
  });

  it('skips the parts a schema leaves to a per-entry check', () => {
    const schema = z.object({ id: z.number(), rest: checkedPerEntry(z.unknown()), name: z.string() });
    expect(findUnstorable({ id: 1, rest: { x: '\u0000' }, name: 'n' }, schema)).toBeNull();
    expect(findUnstorable({ id: 1, rest: null, name: 'n\u0000' }, schema)).toBe('name');
    const push = { protocolVersion: 1, schemaVersion: 1, clientId: 'c\u0000', mutations: [{ id: 1, name: 'x\u0000', args: { a: '\u0000' }, at: '\u0000' }] };
    expect(findUnstorable(push, PushRequestSchema)).toBe('clientId');
    expect(findUnstorable({ ...push, clientId: 'c' }, PushRequestSchema)).toBeNull();
  });

  it('makes a storable copy for echoing refused text', () => {
    expect(storableCopy('a\u0000b\uD83D', 10)).toBe('a\uFFFDb\uFFFD');
    expect(isStorableText(storableCopy('😀😀', 3))).toBe(true);
  });
});

describe('timestamps and dates', () => {
  it('accept the years 0001–9999 only', () => {
    expect(TimestampSchema.safeParse('0000-06-01T00:00:00Z').success).toBe(false);
    expect(TimestampSchema.safeParse('0001-01-01T00:30:00+01:00').success).toBe(false);
    expect(TimestampSchema.safeParse('0001-01-01T00:00:00Z').success).toBe(true);
    expect(TimestampSchema.safeParse('9999-12-31T23:59:59.999Z').success).toBe(true);
    expect(TimestampSchema.safeParse('9999-12-31T23:00:00-02:00').success).toBe(false);
    expect(TimestampSchema.safeParse('2026-02-30T00:00:00Z').success).toBe(false);
    expect(OpportunitySchema.shape.expectedCloseOn.safeParse('0000-01-01').success).toBe(false);
    expect(OpportunitySchema.shape.expectedCloseOn.safeParse('2026-12-31').success).toBe(true);
  });
});

describe('phone numbers', () => {
  it('are digits with spaces or dashes between them and an optional +', () => {
    for (const ok of ['13912345678', '+86 139 1234 5678', '021-6543-2100', '12345']) expect(isPhoneNumber(ok)).toBe(true);
    for (const bad of ['abc', '', '1234', '139--1234', '-13912345678', '13912345678-', '+', '1234567890123456', '１３９１２３４５６７８'])
      expect(isPhoneNumber(bad)).toBe(false);
  });
});
