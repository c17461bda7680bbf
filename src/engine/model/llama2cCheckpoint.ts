// Reader for the legacy llama2.c checkpoint: a 7 x int32 little-endian header
// (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a negative vocab_size means
// the classifier is stored separately) followed by float32 arrays, all layers stacked, each matrix
// row-major (out, in). Every size is checked against the file before any array is viewed.

import { InputError } from '../errors';

export interface Llama2cConfig {
  dim: number;
  hiddenDim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocabSize: number;
  seqLen: number;
  headSize: number;
  /** True when vocab_size > 0: logits reuse the token embedding. */
  sharedClassifier: boolean;
}

export interface Llama2cWeights {
  config: Llama2cConfig;
  /** [vocab, dim] */
  tokEmbeddings: Float32Array;
  /** [layers, dim] */
  rmsAtt: Float32Array;
  /** [layers, dim, dim] (out, in) */
  wq: Float32Array;
  /** [layers, kvHeads * headSize, dim] */
  wk: Float32Array;
  wv: Float32Array;
  /** [layers, dim, dim] */
  wo: Float32Array;
  rmsFfn: Float32Array;
  /** [layers, hidden, dim] */
  w1: Float32Array;
  /** [layers, dim, hidden] */
  w2: Float32Array;
  /** [layers, hidden, dim] */
  w3: Float32Array;
  /** [dim] */
  rmsFinal: Float32Array;
  /** [vocab, dim]: tokEmbeddings itself when shared. */
  classifier: Float32Array;
}

const HEADER_BYTES = 28;
const MAX_DIM = 1 << 16;

export function parseLlama2cHeader(bytes: Uint8Array, where: string): Llama2cConfig {
  if (bytes.byteLength < HEADER_BYTES) {
    throw new InputError(where, `file is ${bytes.byteLength} bytes, shorter than the 28-byte llama2.c header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const h = Array.from({ length: 7 }, (_, i) => view.getInt32(i * 4, true));
  const [dim, hiddenDim, layers, heads, kvHeads, vocabRaw, seqLen] = h;
  const names = ['dim', 'hidden_dim', 'n_layers', 'n_heads', 'n_kv_heads', '|vocab_size|', 'seq_len'];
  [dim, hiddenDim, layers, heads, kvHeads, Math.abs(vocabRaw), seqLen].forEach((v, i) => {
    if (!(v > 0 && v <= MAX_DIM * 16)) throw new InputError(where, `header field ${names[i]} = ${v} is not a plausible size (header [${h.join(', ')}])`);
  });
  if (dim % heads !== 0) throw new InputError(where, `dim ${dim} is not divisible by n_heads ${heads}`);
  if (heads % kvHeads !== 0) throw new InputError(where, `n_heads ${heads} is not divisible by n_kv_heads ${kvHeads}`);
  const headSize = dim / heads;
  if (headSize % 2 !== 0) throw new InputError(where, `head size ${headSize} is odd: rotary embedding needs pairs`);
  return { dim, hiddenDim, layers, heads, kvHeads, vocabSize: Math.abs(vocabRaw), seqLen, headSize, sharedClassifier: vocabRaw > 0 };
}

/** Parses a whole checkpoint; the file must hold exactly the arrays its header announces. */
export function parseLlama2cCheckpoint(bytes: Uint8Array, where: string): Llama2cWeights {
  const c = parseLlama2cHeader(bytes, where);
  const kvDim = c.kvHeads * c.headSize;
  const sizes: [string, number][] = [
    ['tok_embeddings', c.vocabSize * c.dim],
    ['rms_att', c.layers * c.dim],
    ['wq', c.layers * c.dim * c.dim],
    ['wk', c.layers * kvDim * c.dim],
    ['wv', c.layers * kvDim * c.dim],
    ['wo', c.layers * c.dim * c.dim],
    ['rms_ffn', c.layers * c.dim],
    ['w1', c.layers * c.hiddenDim * c.dim],
    ['w2', c.layers * c.dim * c.hiddenDim],
    ['w3', c.layers * c.hiddenDim * c.dim],
    ['rms_final', c.dim],
  ];
  const weightsFloats = sizes.reduce((a, [, n]) => a + n, 0);
  const freqFloats = c.seqLen * (c.headSize / 2) * 2;
  const clsFloats = c.sharedClassifier ? 0 : c.vocabSize * c.dim;
  const available = (bytes.byteLength - HEADER_BYTES) / 4;
  const expected = weightsFloats + freqFloats + clsFloats;
  if (available !== expected) {
    throw new InputError(
      where,
      `file holds ${available} floats after the header but the header [dim ${c.dim}, hidden ${c.hiddenDim}, layers ${c.layers}, heads ${c.heads}, kv_heads ${c.kvHeads}, vocab ${c.vocabSize}, seq_len ${c.seqLen}] needs ${expected} (truncated, or not a legacy llama2.c checkpoint)`,
    );
  }
  // Copy once into an aligned buffer (the file buffer may sit at an odd offset).
  const all = new Float32Array(available);
  new Uint8Array(all.buffer).set(bytes.subarray(HEADER_BYTES));
  const arrays: Float32Array[] = [];
  let off = 0;
  for (const [, n] of sizes) {
    arrays.push(all.subarray(off, off + n));
    off += n;
  }
  off += freqFloats; // RoPE tables are recomputed exactly as run.c does.
  const [tokEmbeddings, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal] = arrays;
  for (const [i, a] of arrays.entries()) {
    for (let j = 0; j < a.length; j++) {
      if (!Number.isFinite(a[j])) throw new InputError(where, `array ${sizes[i][0]} holds a non-finite value at element ${j}`);
    }
  }
  const classifier = c.sharedClassifier ? tokEmbeddings : all.subarray(off, off + clsFloats);
  return { config: c, tokEmbeddings, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, classifier };
}
