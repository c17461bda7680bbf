// Inputs to tokenize: out-of-vocabulary words and odd Unicode (combining marks, zero-width and
// bidi controls, emoji ZWJ sequences, CJK, noncharacters, lone surrogates, NUL, invalid UTF-8),
// written as the bytes of a --text-file, and mutations of a llama2.c tokenizer.bin along its
// layout (max_token_length, then per token: float score, int32 length, bytes).
import type { FuzzRandom } from './fuzzRandom';

const PIECES = [
  'Once upon a time', 'there was a little girl', 'xqzvjkw', 'supercalifragilisticexpialidocious', 'Ünïcödé', 'naïve café',
  'e\u0301\u0301\u0301\u0301', '\u200b\u200c\u200d\u2060', '\u202e\u2066reversed\u2069', '👩‍👩‍👧‍👦', '🏳️‍🌈', '世界你好', 'ｆｕｌｌｗｉｄｔｈ',
  '\ufdd0\uffff\ufffe', '\ud800', '\udfff', '\u0000', '\t\r\n', ' ', '[CLS]', '[SEP]', '<|endoftext|>', '<s>', '</s>', '##ing',
  'Ǆǅǆ', 'ﬁ', 'İı', 'ß', 'ΣΑΣ', '\u0300', 'A'.repeat(500), '¡¿', '…', '\u00a0', '\u3000',
];

export function oddText(rng: FuzzRandom): Uint8Array {
  const parts: string[] = [];
  const n = 1 + rng.int(12);
  for (let i = 0; i < n; i++) parts.push(rng.pick(PIECES));
  if (rng.chance(0.1)) parts.push(rng.pick(PIECES).repeat(200 + rng.int(2000)));
  const bytes = Buffer.from(parts.join(rng.pick([' ', '', '\n', '\u0085'])), 'utf8');
  if (!rng.chance(0.2)) return bytes;
  // Invalid UTF-8: a lone continuation byte, an overlong form, a truncated sequence, a BOM.
  const bad = rng.pick([[0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xef, 0xbb, 0xbf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xed, 0xa0, 0x80]]);
  const at = rng.int(bytes.length + 1);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
}

/** A llama2.c tokenizer.bin with one field of one token (or the header) changed. */
export function mutateTokenizerBin(input: Uint8Array, rng: FuzzRandom): Uint8Array {
  const out = Buffer.from(input);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (rng.chance(0.15) && out.length >= 4) {
    view.setInt32(0, rng.interestingNumber() | 0, true); // max_token_length
    return out;
  }
  // Walk to a random token record; its score, length or bytes change.
  const target = rng.int(600);
  let at = 4;
  for (let i = 0; i < target && at + 8 <= out.length; i++) {
    const len = view.getInt32(at + 4, true);
    if (len < 0 || at + 8 + len > out.length) break;
    at += 8 + len;
  }
  if (at + 8 > out.length) return out.subarray(0, Math.max(0, out.length - 1 - rng.int(16)));
  switch (rng.int(4)) {
    case 0: view.setFloat32(at, rng.pick([NaN, Infinity, -Infinity, 1e38, -1e38, 0]), true); break;
    case 1: view.setInt32(at + 4, rng.interestingNumber() | 0, true); break;
    case 2: if (view.getInt32(at + 4, true) > 0 && at + 8 < out.length) out[at + 8] = rng.pick([0x00, 0x80, 0xff, 0xc3, 0x20]); break;
    case 3: return out.subarray(0, at + rng.int(8));
  }
  return out;
}
