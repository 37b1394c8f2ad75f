import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { inlineParameters, sqlLiteral } from '../../server/db/copy-out';
import { CopyJsonError, CopyTextToJson, unescapeCopyText, type CopyJsonKind } from '../../server/sync/copy-json';

/** A value as COPY text format writes it (PostgreSQL CopyAttributeOutText). */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  const named: Record<string, string> = { '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  return [...value].map((ch) => named[ch] ?? ch).join('');
}

function convertAll(kinds: CopyJsonKind[], input: string, chunkSize = Infinity): { text: string; rows: number; last: string | null } {
  const converter = new CopyTextToJson(kinds);
  const bytes = Buffer.from(input, 'utf8');
  let text = '';
  let rows = 0;
  for (let at = 0; at < bytes.length; at += Math.min(chunkSize, bytes.length)) {
    const batch = converter.push(bytes.subarray(at, at + Math.min(chunkSize, bytes.length)));
    text += batch.lines.toString('utf8');
    rows += batch.rows;
  }
  converter.end();
  return { text, rows, last: converter.lastFirstValue };
}

const EVERY_CONTROL = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('');
const STRINGS = ['', '\u0001'.repeat(20_000), 'plain', 'He said "报价"', 'C:\\path\\N', '\\N', EVERY_CONTROL, 'tab\tand\nnewline\r\n', '\u007f\u2028\u2029 😀 王芳'];

describe('COPY text to JSON lines', () => {
  it('writes every string exactly as JSON.stringify does', () => {
    const input = STRINGS.map((s) => `${copyText(s)}\n`).join('');
    const { text, rows } = convertAll(['string'], input);
    expect(rows).toBe(STRINGS.length);
    expect(text).toBe(STRINGS.map((s) => `[${JSON.stringify(s)}]\n`).join(''));
  });

  it('gives the same bytes whatever the chunk boundaries, even inside a UTF-8 character', () => {
    const input = STRINGS.map((s, i) => `${copyText(`id_${i}`)}\t${copyText(s)}\t${i % 2 ? '\\N' : '2026-11-20 01:02:03.4'}\n`).join('');
    const whole = convertAll(['string', 'string', 'timestamp'], input);
    for (const size of [1, 2, 3, 7, 64]) {
      expect(convertAll(['string', 'string', 'timestamp'], input, size)).toEqual(whole);
    }
    expect(whole.last).toBe(`id_${STRINGS.length - 1}`);
  });

  it('writes NULL as null in every kind of column', () => {
    const { text } = convertAll(['string', 'timestamp', 'number', 'boolean', 'json'], '\\N\t\\N\t\\N\t\\N\t\\N\n');
    expect(JSON.parse(text)).toEqual([null, null, null, null, null]);
  });

  it('writes timestamps as toISOString does, truncating microseconds', () => {
    const cases: [string, string][] = [
      ['2026-11-20 01:02:03', '2026-11-20T01:02:03.000Z'],
      ['2026-11-20 01:02:03.4', '2026-11-20T01:02:03.400Z'],
      ['2026-11-20 01:02:03.45', '2026-11-20T01:02:03.450Z'],
      ['2026-11-20 01:02:03.456789', '2026-11-20T01:02:03.456Z'],
    ];
    const { text } = convertAll(['timestamp'], cases.map(([raw]) => `${raw}\n`).join(''));
    expect(text.trim().split('\n').map((l) => (JSON.parse(l) as string[])[0])).toEqual(cases.map(([, iso]) => iso));
  });

  it('copies numbers, booleans and JSON text', () => {
    const { text } = convertAll(['number', 'number', 'boolean', 'boolean', 'json'], `42\t-1.5e-07\tt\tf\t${copyText('{"a":"x\\\\"}')}\n`);
    expect(JSON.parse(text)).toEqual([42, -1.5e-7, true, false, { a: 'x\\' }]);
  });

  it.each<[string, CopyJsonKind[], string, RegExp]>([
    ['too few fields', ['string', 'string'], 'a\n', /row 1 does not have 2 fields/],
    ['too many fields', ['string'], 'a\tb\n', /row 1 does not have 1 fields/],
    ['a timestamp in another DateStyle', ['timestamp'], '11/20/2026 01:02:03\n', /timestamp 11\/20\/2026 01:02:03 is not YYYY-MM-DD/],
    ['NaN', ['number'], 'NaN\n', /NaN is not a JSON number/],
    ['a boolean that is not t or f', ['boolean'], 'yes\n', /not a boolean/],
    ['an unknown escape', ['string'], 'a\\q\n', /unexpected COPY escape \\q/],
  ])('refuses %s with an error naming it', (_name, kinds, input, message) => {
    expect(() => convertAll(kinds, input)).toThrow(message);
  });

  it('refuses output that ends inside a row', () => {
    const converter = new CopyTextToJson(['string']);
    converter.push(Buffer.from('complete\npart'));
    expect(() => converter.end()).toThrow(CopyJsonError);
  });

  it('undoes COPY escapes for the keyset cursor', () => {
    for (const s of STRINGS) expect(unescapeCopyText(copyText(s))).toBe(s);
  });
});

describe('inlining parameters for COPY', () => {
  it('replaces $n with literals, leaving quoted text alone', () => {
    const query = CompiledQuery.raw(`SELECT '$1', "$2" FROM t WHERE a = $1 AND b > $2 AND c = $10`, ["o'brien\\x", 5, 'x', 'x', 'x', 'x', 'x', 'x', 'x', true]);
    expect(inlineParameters(query)).toBe(`SELECT '$1', "$2" FROM t WHERE a = E'o''brien\\\\x' AND b > 5 AND c = TRUE`);
  });

  it('refuses values it cannot write safely', () => {
    expect(() => sqlLiteral('a\0b')).toThrow(/NUL/);
    expect(() => sqlLiteral(Number.NaN)).toThrow(/finite/);
    expect(() => sqlLiteral({})).toThrow(/cannot inline/);
    expect(() => inlineParameters(CompiledQuery.raw('SELECT $2', ['a']))).toThrow(/no value for \$2/);
  });
});
