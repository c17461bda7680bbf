// Character offsets for Hugging Face tokens. @huggingface/tokenizers returns ids and token strings
// but no offsets, so we align: each token's surface bytes (byte-level BPE's remapped bytes, '##'
// stripped for WordPiece, '▁' as a space for Metaspace, <0xNN> byte fallback) are matched, in
// order, against the UTF-8 bytes of the text folded the way the normalizer folds it (lowercase,
// accents stripped), and every folded byte remembers the original UTF-16 span it came from.

import { NO_SPAN } from './textTokenizer';

export interface SurfaceRules {
  /** Token characters are GPT-2's bytes_to_unicode remapping of raw bytes. */
  byteLevel: boolean;
  /** Replacement character for spaces (Metaspace, '▁'), or null. */
  metaspace: string | null;
  /** '<0xNN>' tokens stand for one raw byte. */
  byteFallback: boolean;
  /** Prefix marking a word-internal piece ('##' for WordPiece), or null. */
  continuingPrefix: string | null;
  lowercase: boolean;
  stripAccents: boolean;
}

let byteDecoder: Map<string, number> | undefined;

/** Inverse of GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 upwards. */
export function byteLevelDecoder(): Map<string, number> {
  if (byteDecoder) return byteDecoder;
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const set = new Set(printable);
  const m = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (set.has(b)) m.set(String.fromCharCode(b), b);
    else m.set(String.fromCharCode(256 + extra++), b);
  }
  byteDecoder = m;
  return m;
}

const utf8 = new TextEncoder();

/** The bytes a token stands for in the (folded) text. */
export function tokenSurfaceBytes(token: string, rules: SurfaceRules): Uint8Array {
  if (rules.byteFallback) {
    const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(token);
    if (m) return Uint8Array.of(parseInt(m[1], 16));
  }
  if (rules.byteLevel) {
    const dec = byteLevelDecoder();
    const out: number[] = [];
    for (const ch of token) {
      const b = dec.get(ch);
      if (b === undefined) return utf8.encode(token); // an added token written in plain text
      out.push(b);
    }
    return Uint8Array.from(out);
  }
  let s = token;
  if (rules.continuingPrefix && s.startsWith(rules.continuingPrefix) && s.length > rules.continuingPrefix.length) {
    s = s.slice(rules.continuingPrefix.length);
  }
  if (rules.metaspace) s = s.split(rules.metaspace).join(' ');
  return utf8.encode(s);
}

interface FoldedText {
  bytes: Uint8Array;
  /** Original UTF-16 [start, end) of the character each folded byte came from. */
  start: Int32Array;
  end: Int32Array;
}

function foldText(text: string, rules: SurfaceRules): FoldedText {
  const bytes: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    let ch = text.slice(i, i + units);
    if (rules.stripAccents) ch = ch.normalize('NFD').replace(/\p{Mn}/gu, '');
    if (rules.lowercase) ch = ch.toLowerCase();
    for (const b of utf8.encode(ch)) {
      bytes.push(b);
      start.push(i);
      end.push(i + units);
    }
    i += units;
  }
  return { bytes: Uint8Array.from(bytes), start: Int32Array.from(start), end: Int32Array.from(end) };
}

function isSpaceByte(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}

function isAsciiPunct(b: number): boolean {
  return (b >= 0x21 && b <= 0x2f) || (b >= 0x3a && b <= 0x40) || (b >= 0x5b && b <= 0x60) || (b >= 0x7b && b <= 0x7e);
}

function matchAt(hay: Uint8Array, p: number, needle: Uint8Array): boolean {
  if (p + needle.length > hay.length) return false;
  for (let i = 0; i < needle.length; i++) if (hay[p + i] !== needle[i]) return false;
  return true;
}

/**
 * [start, end) in UTF-16 units of `text` for each token; special tokens get [-1, -1]. Tokens
 * that cannot be found (an [UNK] standing for a word) take the next whitespace-delimited word.
 */
export function alignTokenOffsets(text: string, tokens: string[], special: boolean[], rules: SurfaceRules): [number, number][] {
  const f = foldText(text, rules);
  const n = f.bytes.length;
  const out: [number, number][] = [];
  let cursor = 0;
  const span = (p: number, len: number): [number, number] => [f.start[p], f.end[p + len - 1]];
  for (let t = 0; t < tokens.length; t++) {
    if (special[t]) {
      out.push([...NO_SPAN]);
      continue;
    }
    let surface = tokenSurfaceBytes(tokens[t], rules);
    // A prefix space the pre-tokenizer added (add_prefix_space, Metaspace) is not in the text.
    if (surface.length > 1 && surface[0] === 0x20 && !(cursor < n && f.bytes[cursor] === 0x20)) surface = surface.subarray(1);
    if (surface.length === 0 || (surface.length === 1 && surface[0] === 0x20 && !(cursor < n && f.bytes[cursor] === 0x20))) {
      out.push(cursor < n ? [f.start[cursor], f.start[cursor]] : [text.length, text.length]);
      continue;
    }
    let p = cursor;
    while (p < n && !matchAt(f.bytes, p, surface) && isSpaceByte(f.bytes[p])) p++;
    if (matchAt(f.bytes, p, surface)) {
      out.push(span(p, surface.length));
      cursor = p + surface.length;
      continue;
    }
    // Unmatched (unknown word): the next run of non-space bytes, cut at ASCII punctuation the
    // way BERT's pre-tokenizer splits words.
    let e = p;
    while (e < n && !isSpaceByte(f.bytes[e]) && (e === p || !isAsciiPunct(f.bytes[e]))) e++;
    if (e > p) {
      out.push(span(p, e - p));
      cursor = e;
    } else {
      out.push(p < n ? [f.start[p], f.start[p]] : [text.length, text.length]);
    }
  }
  return out;
}
