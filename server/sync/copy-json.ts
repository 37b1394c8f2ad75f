/**
 * Turns Postgres COPY text output into snapshot lines (one JSON array per
 * row), byte by byte, without building a string or an object per value: at a
 * million rows, per-value JS strings cost more in garbage collection than the
 * whole conversion does here.
 *
 * COPY text format: fields split by TAB, rows end with LF, NULL is `\N`, and
 * inside a value `\\ \b \f \n \r \t \v` stand for themselves; every other
 * byte is written as is (UTF-8). Most of those escapes already are JSON.
 */

/** How a column's COPY text becomes JSON. */
export type CopyJsonKind =
  /** Text: quoted and escaped, exactly as JSON.stringify writes it. */
  | 'string'
  /** `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC → `"YYYY-MM-DDTHH:MM:SS.mmmZ"` (Date#toISOString; microseconds truncated). */
  | 'timestamp'
  /** A number as Postgres writes it (integers, float8): copied, after checking it is a JSON number. */
  | 'number'
  /** `t` / `f`. */
  | 'boolean'
  /** JSON text written by Postgres (to_json): copied, with COPY's doubled backslashes undone. */
  | 'json';

const TAB = 0x09;
const LF = 0x0a;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const HEX = '0123456789abcdef';
const EMPTY = Buffer.alloc(0);
const TRUE_BYTES = [0x74, 0x72, 0x75, 0x65];
const FALSE_BYTES = [0x66, 0x61, 0x6c, 0x73, 0x65];

/** Output bytes per input byte of a row, at most (a control byte becomes `\u00XX`); fields and rows add less than their separators cover. */
const MAX_GROWTH = 6;

export class CopyJsonError extends Error {
  constructor(message: string) {
    super(`snapshot: ${message}`);
    this.name = 'CopyJsonError';
  }
}

export interface CopyJsonBatch {
  /** Complete rows, each `[…]\n`. */
  lines: Buffer;
  rows: number;
}

/**
 * Streaming converter: feed COPY output in chunks of any size (a row may be
 * split across chunks); each call returns the rows completed so far.
 */
export class CopyTextToJson {
  readonly #kinds: readonly CopyJsonKind[];
  #carry: Buffer = EMPTY;
  /** The first field of the last complete row, as COPY wrote it (keyset cursors use it). */
  #lastFirstField: Buffer | null = null;

  constructor(kinds: readonly CopyJsonKind[]) {
    if (kinds.length === 0) throw new CopyJsonError('no columns');
    this.#kinds = kinds;
  }

  /** The first column of the last row converted, unescaped (null if it was NULL or no row came yet). */
  get lastFirstValue(): string | null {
    const raw = this.#lastFirstField;
    if (!raw || (raw.length === 2 && raw[0] === BACKSLASH && raw[1] === 0x4e)) return null;
    return unescapeCopyText(raw.toString('utf8'));
  }

  push(chunk: Uint8Array): CopyJsonBatch {
    // Always a Buffer: one element kind keeps the byte loops monomorphic.
    let input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#carry.length > 0) input = Buffer.concat([this.#carry, input]);
    const end = input.lastIndexOf(LF) + 1;
    this.#carry = end === input.length ? EMPTY : Buffer.from(input.subarray(end));
    if (end === 0) return { lines: EMPTY, rows: 0 };
    return this.#convert(input, end);
  }

  /** Call once COPY has ended: anything left over is a truncated row. */
  end(): void {
    if (this.#carry.length > 0) throw new CopyJsonError(`COPY output ended inside a row (${this.#carry.length} bytes without a line end)`);
  }

  /** Converts input[0, end), which ends with LF. */
  #convert(input: Buffer, end: number): CopyJsonBatch {
    // Sized for typical text (quotes, commas, ISO timestamps add ~15%); grown before a row that might not fit.
    // A fresh buffer per call: the caller keeps the lines, and a right-sized one spares the GC.
    let out = Buffer.allocUnsafe(Math.ceil(end * 1.25) + 4096);
    const kinds = this.#kinds;
    const columns = kinds.length;
    let o = 0;
    let i = 0;
    let rows = 0;
    let lastRowStart = 0;
    while (i < end) {
      lastRowStart = i;
      const rowEnd = input.indexOf(LF, i);
      const worst = o + (rowEnd + 1 - i) * MAX_GROWTH + 16;
      if (worst > out.length) {
        const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, worst));
        out.copy(bigger, 0, 0, o);
        out = bigger;
      }
      out[o++] = 0x5b; // [
      for (let c = 0; c < columns; c++) {
        if (c > 0) out[o++] = 0x2c; // ,
        const kind = kinds[c];
        if (input[i] === BACKSLASH && input[i + 1] === 0x4e && (input[i + 2] === TAB || input[i + 2] === LF)) {
          // \N: NULL.
          out[o++] = 0x6e;
          out[o++] = 0x75;
          out[o++] = 0x6c;
          out[o++] = 0x6c;
          i += 2;
        } else if (kind === 'string') {
          // The bulk of the bytes: one pass, escaping as it copies. The row's LF always stops it.
          out[o++] = QUOTE;
          for (;;) {
            const b = input[i] as number;
            if (b >= 0x20 && b !== QUOTE && b !== BACKSLASH) {
              out[o++] = b;
              i++;
            } else if (b === TAB || b === LF) {
              break;
            } else if (b === QUOTE) {
              out[o++] = BACKSLASH;
              out[o++] = QUOTE;
              i++;
            } else if (b === BACKSLASH) {
              const next = input[i + 1] as number;
              if (next === 0x76) {
                // \v has no short JSON escape.
                o = writeUnicodeEscape(0x0b, out, o);
              } else if (next === BACKSLASH || next === 0x62 || next === 0x66 || next === 0x6e || next === 0x72 || next === 0x74) {
                out[o++] = BACKSLASH;
                out[o++] = next;
              } else {
                throw new CopyJsonError(`row ${rows + 1} column ${c + 1}: unexpected COPY escape \\${String.fromCharCode(next)}`);
              }
              i += 2;
            } else {
              o = writeUnicodeEscape(b, out, o);
              i++;
            }
          }
          out[o++] = QUOTE;
        } else {
          let fieldEnd = i;
          while (input[fieldEnd] !== TAB && input[fieldEnd] !== LF) fieldEnd++;
          o = writeField(kind as Exclude<CopyJsonKind, 'string'>, input, i, fieldEnd, out, o, rows + 1, c);
          i = fieldEnd;
        }
        // Each field ends with TAB, the last with LF.
        if (input[i] !== (c === columns - 1 ? LF : TAB)) throw new CopyJsonError(`row ${rows + 1} does not have ${columns} fields`);
        i++;
      }
      out[o++] = 0x5d; // ]
      out[o++] = LF;
      rows++;
    }
    // First field of the last row, for the next keyset batch.
    let firstEnd = lastRowStart;
    while (input[firstEnd] !== TAB && input[firstEnd] !== LF) firstEnd++;
    this.#lastFirstField = Buffer.from(input.subarray(lastRowStart, firstEnd));
    return { lines: out.subarray(0, o), rows };
  }
}

/** A short non-text field (strings, the bulk of the bytes, are converted inline in #convert). */
function writeField(kind: Exclude<CopyJsonKind, 'string'>, input: Buffer, from: number, to: number, out: Buffer, o: number, row: number, column: number): number {
  switch (kind) {
    case 'timestamp':
      return writeTimestamp(input, from, to, out, o, row, column);
    case 'number':
      for (let i = from; i < to; i++) {
        const b = input[i] as number;
        // Digits, sign, point, exponent: NaN and Infinity are not JSON.
        if (!((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || b === 0x65 || b === 0x45)) {
          throw new CopyJsonError(`row ${row} column ${column + 1}: ${Buffer.from(input.subarray(from, to)).toString('utf8')} is not a JSON number`);
        }
        out[o++] = b;
      }
      if (to === from) throw new CopyJsonError(`row ${row} column ${column + 1}: empty number`);
      return o;
    case 'boolean': {
      const b = to - from === 1 ? input[from] : undefined;
      if (b === 0x74) for (const x of TRUE_BYTES) out[o++] = x;
      else if (b === 0x66) for (const x of FALSE_BYTES) out[o++] = x;
      else throw new CopyJsonError(`row ${row} column ${column + 1}: not a boolean`);
      return o;
    }
    case 'json':
      for (let i = from; i < to; i++) {
        const b = input[i] as number;
        if (b === BACKSLASH) {
          // JSON text has no raw control characters, so the only COPY escape in it is a doubled backslash.
          if (input[i + 1] !== BACKSLASH) throw new CopyJsonError(`row ${row} column ${column + 1}: unexpected escape in JSON text`);
          i++;
        }
        out[o++] = b;
      }
      return o;
  }
}

function writeUnicodeEscape(code: number, out: Buffer, o: number): number {
  out[o++] = BACKSLASH;
  out[o++] = 0x75; // u
  out[o++] = 0x30;
  out[o++] = 0x30;
  out[o++] = HEX.charCodeAt(code >> 4);
  out[o++] = HEX.charCodeAt(code & 15);
  return o;
}

const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

function writeTimestamp(input: Buffer, from: number, to: number, out: Buffer, o: number, row: number, column: number): number {
  const length = to - from;
  // `YYYY-MM-DD HH:MM:SS` then optionally `.` and 1–6 digits.
  let ok = (length === 19 || (length >= 21 && length <= 26 && input[from + 19] === 0x2e)) && input[from + 10] === 0x20;
  for (let k = 0; ok && k < DIGIT_AT.length; k++) {
    const b = input[from + (DIGIT_AT[k] as number)] as number;
    ok = b >= 0x30 && b <= 0x39;
  }
  for (let at = from + 20; ok && at < to; at++) {
    const b = input[at] as number;
    ok = b >= 0x30 && b <= 0x39;
  }
  if (!ok) {
    throw new CopyJsonError(
      `row ${row} column ${column + 1}: timestamp ${Buffer.from(input.subarray(from, to)).toString('utf8')} is not YYYY-MM-DD HH:MM:SS[.ffffff] (is DateStyle ISO?)`,
    );
  }
  out[o++] = QUOTE;
  for (let k = 0; k < 19; k++) out[o++] = k === 10 ? 0x54 : (input[from + k] as number); // T
  out[o++] = 0x2e; // .
  for (let k = 0; k < 3; k++) {
    const at = from + 20 + k;
    out[o++] = at < to ? (input[at] as number) : 0x30;
  }
  out[o++] = 0x5a; // Z
  out[o++] = QUOTE;
  return o;
}

/** COPY text escapes undone (for the keyset cursor). */
export function unescapeCopyText(text: string): string {
  if (!text.includes('\\')) return text;
  const map: Record<string, string> = { '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  return text.replace(/\\(.)/gs, (_, ch: string) => {
    const found = map[ch];
    if (found === undefined) throw new CopyJsonError(`unexpected COPY escape \\${ch}`);
    return found;
  });
}
