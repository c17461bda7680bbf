// The llama2.c tokenizer (tokenizer.bin / tok512.bin): int32 max_token_length, then one record per
// id {float32 score, int32 byte_len, bytes}. Ids 0 <unk>, 1 BOS, 2 EOS, 3..258 byte fallback
// <0x00>..<0xFF>. Encoding is SentencePiece BPE as llama2.c's encode() does it: BOS, a dummy
// space before the text, one symbol per UTF-8 character (bytes + 3 when the character is not in
// the vocabulary), then repeatedly merge the adjacent pair whose concatenation is a vocabulary
// piece with the highest score (leftmost on ties). A heap over candidate pairs gives the same
// merge order as llama2.c's repeated full scan in O(n log n), so long texts stay fast.

import { InputError } from '../errors';
import { INPUT_FILE_KINDS, readBoundedFileSync } from '../files/boundedRead';
import { NO_SPAN, TextTokenizer, TokenizedText } from './textTokenizer';

const UNK = 0;
const BOS = 1;
const EOS = 2;
const BYTE_BASE = 3;

/** Pieces are kept as 'binary' strings (one char per byte) so lookups are exact even for non-UTF-8 pieces. */
function bytesToBinary(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** UTF-8 bytes of one code point as a binary string. */
function utf8Binary(cp: number): string {
  const f = String.fromCharCode;
  if (cp < 0x80) return f(cp);
  if (cp < 0x800) return f(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  if (cp < 0x10000) return f(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  return f(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

export class Llama2cTokenizer implements TextTokenizer {
  readonly kind = 'llama2c' as const;
  readonly bosId = BOS;
  readonly eosId = EOS;
  readonly vocabSize: number;
  private readonly pieceIds = new Map<string, number>();

  constructor(
    /** Each piece as a binary string (one char per byte). */
    private readonly pieces: string[],
    private readonly scores: Float32Array,
    readonly maxTokenLength: number,
  ) {
    this.vocabSize = pieces.length;
    // First id wins for duplicate pieces.
    pieces.forEach((p, i) => {
      if (!this.pieceIds.has(p)) this.pieceIds.set(p, i);
    });
  }

  /** Parses tokenizer.bin bytes; `where` names the file in errors. */
  static fromBytes(buf: Uint8Array, where: string, expectedVocabSize?: number): Llama2cTokenizer {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (buf.byteLength < 4) throw new InputError(where, 'llama2.c tokenizer file is too short for its header');
    const maxLen = view.getInt32(0, true);
    if (maxLen <= 0 || maxLen > 1024) throw new InputError(where, `not a llama2.c tokenizer: max_token_length ${maxLen}`);
    const pieces: string[] = [];
    const scores: number[] = [];
    let off = 4;
    while (off < buf.byteLength && (expectedVocabSize === undefined || pieces.length < expectedVocabSize)) {
      if (off + 8 > buf.byteLength) throw new InputError(where, `record ${pieces.length} is truncated at byte ${off}`);
      const score = view.getFloat32(off, true);
      const len = view.getInt32(off + 4, true);
      if (len < 0 || len > maxLen || off + 8 + len > buf.byteLength) {
        throw new InputError(where, `record ${pieces.length} at byte ${off} has invalid length ${len}`);
      }
      if (!Number.isFinite(score)) throw new InputError(where, `record ${pieces.length} has a non-finite score`);
      pieces.push(bytesToBinary(buf.subarray(off + 8, off + 8 + len)));
      scores.push(score);
      off += 8 + len;
    }
    if (expectedVocabSize !== undefined && pieces.length !== expectedVocabSize) {
      throw new InputError(where, `holds ${pieces.length} tokens, the model expects ${expectedVocabSize}`);
    }
    if (off !== buf.byteLength) {
      throw new InputError(where, `has ${buf.byteLength - off} bytes after the model's ${pieces.length} tokens: vocabulary sizes differ`);
    }
    if (pieces.length < BYTE_BASE + 256) {
      throw new InputError(where, `holds ${pieces.length} tokens, fewer than the 259 special and byte tokens llama2.c needs`);
    }
    return new Llama2cTokenizer(pieces, Float32Array.from(scores), maxLen);
  }

  static fromFile(path: string, expectedVocabSize?: number): Llama2cTokenizer {
    const bytes = readBoundedFileSync(path, INPUT_FILE_KINDS.tokenizerBin, { notFound: 'tokenizer file not found' });
    return Llama2cTokenizer.fromBytes(bytes, path, expectedVocabSize);
  }

  encode(text: string): TokenizedText {
    // Symbols as a linked list over parallel arrays; a symbol's index never changes.
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    if (text.length > 0) {
      // The dummy prefix space has no text in the original: an empty span at 0.
      ids.push(this.pieceIds.get(' ') ?? UNK);
      starts.push(0);
      ends.push(0);
    }
    for (let i = 0; i < text.length; ) {
      let cp = text.codePointAt(i)!;
      const units = cp > 0xffff ? 2 : 1;
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // lone surrogate: encoded as U+FFFD, as TextEncoder does
      const key = utf8Binary(cp);
      const id = this.pieceIds.get(key);
      if (id !== undefined) {
        ids.push(id);
        starts.push(i);
        ends.push(i + units);
      } else {
        for (let b = 0; b < key.length; b++) {
          ids.push(key.charCodeAt(b) + BYTE_BASE);
          starts.push(i);
          ends.push(i + units);
        }
      }
      i += units;
    }
    this.mergePairs(ids, ends);
    const outIds = [BOS];
    const offsets: [number, number][] = [[...NO_SPAN]];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] < 0) continue;
      outIds.push(ids[i]);
      offsets.push([starts[i], ends[i]]);
    }
    return { ids: outIds, offsets };
  }

  /** Highest-score merges in place; merged-away symbols get id -1. */
  private mergePairs(ids: number[], ends: number[]): void {
    const n = ids.length;
    const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const version = new Int32Array(n);
    // Heap entries: [score, left, right, leftVersion, rightVersion, mergedId]; max score, then leftmost.
    const heap: number[][] = [];
    const better = (a: number[], b: number[]): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] < b[1]);
    const push = (e: number[]): void => {
      heap.push(e);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!better(heap[i], heap[p])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    };
    const pop = (): number[] => {
      const top = heap[0];
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && better(heap[l], heap[m])) m = l;
          if (r < heap.length && better(heap[r], heap[m])) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m], heap[i]];
          i = m;
        }
      }
      return top;
    };
    const consider = (left: number): void => {
      const right = next[left];
      if (left < 0 || right < 0) return;
      const merged = this.pieceIds.get(this.pieces[ids[left]] + this.pieces[ids[right]]);
      if (merged !== undefined) push([this.scores[merged], left, right, version[left], version[right], merged]);
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.length > 0) {
      const [, left, right, vl, vr, merged] = pop();
      if (ids[left] < 0 || ids[right] < 0 || next[left] !== right || version[left] !== vl || version[right] !== vr) continue;
      ids[left] = merged;
      ends[left] = ends[right];
      version[left] += 1;
      ids[right] = -1;
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      if (prev[left] >= 0) consider(prev[left]);
      consider(left);
    }
  }

  decode(ids: number[]): string {
    const bytes: number[] = [];
    let first = true;
    let afterBos = false;
    for (const id of ids) {
      if (id === BOS) {
        afterBos = true;
        continue;
      }
      if (id === EOS) continue;
      const piece = this.pieces[id];
      if (piece === undefined) throw new InputError('llama2.c tokenizer', `token id ${id} is outside the vocabulary (${this.vocabSize})`);
      const byteTok = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
      if (byteTok) {
        bytes.push(parseInt(byteTok[1], 16));
      } else {
        // SentencePiece's dummy prefix: the first piece after BOS loses its leading space.
        const start = first && afterBos && piece.charCodeAt(0) === 0x20 ? 1 : 0;
        for (let i = start; i < piece.length; i++) bytes.push(piece.charCodeAt(i));
      }
      first = false;
    }
    return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
  }

  tokenText(id: number): string {
    const piece = this.pieces[id];
    if (piece === undefined) return `<id ${id}>`;
    return new TextDecoder('utf-8').decode(Uint8Array.from(piece, (c) => c.charCodeAt(0)));
  }

  score(id: number): number {
    return this.scores[id];
  }
}
