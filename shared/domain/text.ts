import { z } from 'zod';

/**
 * What the store can hold, checked at every boundary before anything reaches
 * SQL: Postgres text cannot contain NUL (U+0000) and UTF-8 cannot encode a
 * lone UTF-16 surrogate; timestamps must mean the same instant to Postgres
 * and to JS Date, so they are bounded to the years 0001–9999.
 */

const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_TEXT_MESSAGE = 'contains a NUL character or broken Unicode';
export const OUT_OF_RANGE_TIME_MESSAGE = 'must be between the years 0001 and 9999';

export function isStorableText(value: string): boolean {
  return !value.includes(NUL) && !LONE_SURROGATE.test(value);
}

/** A string the store can hold; the base of every text field in shared schemas. */
export const SafeTextSchema = z.string().refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

// Date.UTC reads years 0–99 as 19xx, so year 1 is set explicitly.
const FIRST_INSTANT = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(1);
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** True for an ISO instant whose UTC time lies in years 0001–9999. */
export function isRepresentableInstant(iso: string): boolean {
  const t = Date.parse(iso);
  return Number.isFinite(t) && t >= FIRST_INSTANT && t <= LAST_INSTANT;
}

/** ISO-8601 with an offset, within the years both Postgres and JS Date read alike. */
export const SafeTimestampSchema = z.iso.datetime({ offset: true }).refine(isRepresentableInstant, OUT_OF_RANGE_TIME_MESSAGE);

/** A calendar date (YYYY-MM-DD); Postgres has no year 0000. */
export const SafeDateSchema = z.iso.date().refine((d) => !d.startsWith('0000'), OUT_OF_RANGE_TIME_MESSAGE);

/**
 * Schemas whose values are checked later, one entry at a time (a push's
 * mutation name, time and arguments: one bad entry is rejected on its own,
 * not the whole push). `findUnstorable` leaves them alone.
 */
const deferred = new WeakSet<z.ZodType>();

export function checkedPerEntry<T extends z.ZodType>(schema: T): T {
  deferred.add(schema);
  return schema;
}

/**
 * Finds the first string (value or object key) the store cannot hold, walking
 * `value` deeply, and returns its dotted path ('(root)' for the value itself).
 * With a schema, parts declared `checkedPerEntry` are skipped. Iterative, so
 * input nested thousands deep cannot exhaust the stack.
 */
export function findUnstorable(value: unknown, schema?: z.ZodType): string | null {
  const stack: Frame[] = [{ value, schema, key: null, parent: null }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    if (frame.schema && deferred.has(frame.schema)) continue;
    const inner = frame.schema ? unwrap(frame.schema) : undefined;
    if (inner && deferred.has(inner)) continue;
    const v = frame.value;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return pathOf(frame);
    } else if (Array.isArray(v)) {
      const element = inner instanceof z.ZodArray ? (inner.element as z.ZodType) : undefined;
      // Pushed last-first, so the first offending element is the one reported.
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], schema: element, key: i, parent: frame });
    } else if (v !== null && typeof v === 'object') {
      const shape = inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : undefined;
      const entries = Object.entries(v);
      for (const [key] of entries) if (!isStorableText(key)) return pathOf({ value: null, schema: undefined, key, parent: frame });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        stack.push({ value: child, schema: shape?.[key], key, parent: frame });
      }
    }
  }
  return null;
}

interface Frame {
  value: unknown;
  schema: z.ZodType | undefined;
  key: string | number | null;
  parent: Frame | null;
}

function pathOf(frame: Frame): string {
  const keys: (string | number)[] = [];
  for (let f: Frame | null = frame; f && f.key !== null; f = f.parent) keys.unshift(f.key);
  return keys.length === 0 ? '(root)' : keys.join('.');
}

/** Sees through optional/nullable/default wrappers to the schema that shapes the value. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (let i = 0; i < 8; i++) {
    if (deferred.has(s)) return s;
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else break;
  }
  return s;
}

/** Replaces what the store cannot hold, for echoing a refused value back into a log or record. */
export function storableCopy(value: string, maxLength: number): string {
  // Cut first: a cut may split a surrogate pair, which the replace then mends.
  return value
    .slice(0, maxLength)
    .replaceAll(NUL, '\uFFFD')
    .replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}
