// Byte-level readers of workload-CSV fields: each mirrors one regular expression or Number()
// conversion of the row reader the columnar reader replaced (test/oracle/workloadCsv.ts), on
// b[s, e) of the file's bytes, with no string made. Shared by the general path of the reader
// (workloadCsvReader.ts) and its fast path for plain rows (workloadCsvPlainRow.ts).

export const NL = 10;
export const CR = 13;
export const COMMA = 44;
export const MINUS = 45;
export const DOT = 46;
export const ZERO = 48;
export const SEMICOLON = 59;
// Exact powers of ten: m / 10^k is then Number()'s own correctly rounded result.
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** The integer of b[s, e) when it matches /^-?\d+$/, else NaN. Exact below 2^53, and >= 2^53 above. */
export function intOf(b: Uint8Array, s: number, e: number): number {
  let i = s;
  const negative = i < e && b[i] === MINUS;
  if (negative) i++;
  if (i >= e) return NaN;
  let v = 0;
  for (; i < e; i++) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** The value of b[s, e) when it matches /^\d+(\.0+)?$/ (a whole number like "64.0"), else NaN. */
export function wholeOf(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let v = 0;
  for (; i < e; i++) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (i === s) return NaN;
  if (i === e) return v;
  if (b[i] !== DOT || i + 1 === e) return NaN;
  for (i++; i < e; i++) if (b[i] !== ZERO) return NaN;
  return v;
}

/** Number() of b[s, e) for the plain decimals the files hold ("0.05", "-1"); NaN when it cannot vouch for the result. */
export function plainDecimalOf(b: Uint8Array, s: number, e: number): number {
  let i = s;
  const negative = i < e && b[i] === MINUS;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < e; i++) {
    const d = b[i] - ZERO;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
      if (fraction >= 0) fraction++;
    } else if (b[i] === DOT && fraction < 0 && digits > 0) fraction = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15 || fraction === 0) return NaN;
  const v = fraction > 0 ? m / POW10[fraction] : m;
  return negative ? -v : v;
}

/** 1 for "True", 0 for "False", -1 otherwise. */
export function boolOf(b: Uint8Array, s: number, e: number): number {
  if (e - s === 4 && b[s] === 84 && b[s + 1] === 114 && b[s + 2] === 117 && b[s + 3] === 101) return 1;
  if (e - s === 5 && b[s] === 70 && b[s + 1] === 97 && b[s + 2] === 108 && b[s + 3] === 115 && b[s + 4] === 101) return 0;
  return -1;
}

/** Round sizes "993;240;17" (/^\d+(;\d+)*$/) as numbers, or undefined when they do not match. */
export function roundsOf(b: Uint8Array, s: number, e: number): number[] | undefined {
  const out: number[] = [];
  let start = s;
  for (let i = s; i <= e; i++) {
    if (i < e && b[i] !== SEMICOLON) {
      if (b[i] < ZERO || b[i] > ZERO + 9) return undefined;
      continue;
    }
    if (i === start) return undefined;
    // Up to 15 digits the running value is exact; longer ones go through Number() as before.
    let v = 0;
    for (let j = start; j < i; j++) v = v * 10 + (b[j] - ZERO);
    out.push(i - start <= 15 ? v : Number(String.fromCharCode(...b.subarray(start, i))));
    start = i + 1;
  }
  return out;
}

/**
 * Lines as String.split('\n') counts them, less a final empty one. indexOf finds each newline in
 * native code (a memchr), several times faster than a byte loop over tens of MB.
 */
export function countLines(b: Uint8Array): number {
  let n = 1;
  for (let p = b.indexOf(NL); p >= 0; p = b.indexOf(NL, p + 1)) n++;
  return b.length === 0 || b[b.length - 1] === NL ? n - 1 : n;
}
