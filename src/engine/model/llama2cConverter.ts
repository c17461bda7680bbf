// llama2.c checkpoint -> Llama-style ONNX (see llamaGraph.ts), with the tokenizer written beside
// the model as `tokenizer.bin`, where loadTokenizerForModel looks for it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { encodeModel } from '../onnx/graphBuilder';
import type { Llama2cConfig } from './llama2cCheckpoint';
import { parseLlama2cCheckpoint } from './llama2cCheckpoint';
import { buildLlamaGraph } from './llamaGraph';

export interface ConvertResult {
  onnxPath: string;
  tokenizerPath: string;
  config: Llama2cConfig;
  /** Float parameters written (the tied classifier counted once). */
  parameters: number;
  onnxBytes: number;
}

/** Largest checkpoint accepted: the ONNX protobuf must stay under 2 GiB. */
const MAX_CHECKPOINT_BYTES = 1.5 * 1024 * 1024 * 1024;
const MAX_TOKENIZER_BYTES = 64 * 1024 * 1024;

async function readLimited(file: string, limit: number, what: string): Promise<Uint8Array> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    throw new InputError(file, `${what} not found (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!st.isFile()) throw new InputError(file, `${what} is not a regular file`);
  if (st.size > limit) throw new InputError(file, `${what} is ${st.size} bytes, over the limit of ${limit}`);
  return new Uint8Array(await fs.promises.readFile(file));
}

/**
 * Checks a llama2.c tokenizer.bin: int32 max_token_length, then `vocab` records
 * {float32 score, int32 byte_len, bytes}, ending exactly at the end of the file.
 */
export function validateLlama2cTokenizer(bytes: Uint8Array, vocab: number, where: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) throw new InputError(where, 'tokenizer file is shorter than its 4-byte header');
  const maxLen = view.getInt32(0, true);
  if (maxLen <= 0 || maxLen > 4096) throw new InputError(where, `max_token_length ${maxLen} is not plausible`);
  let off = 4;
  for (let i = 0; i < vocab; i++) {
    if (off + 8 > bytes.byteLength) throw new InputError(where, `tokenizer ends at record ${i}, the model has ${vocab} tokens`);
    const len = view.getInt32(off + 4, true);
    if (len < 0 || len > maxLen || off + 8 + len > bytes.byteLength) throw new InputError(where, `record ${i} has byte length ${len} (max_token_length ${maxLen})`);
    off += 8 + len;
  }
  if (off !== bytes.byteLength) {
    throw new InputError(where, `tokenizer has ${bytes.byteLength - off} bytes after the model's ${vocab} records: vocabulary sizes differ`);
  }
}

export async function convertLlama2c(modelBin: string, tokenizerBin: string, outOnnx: string): Promise<ConvertResult> {
  const ckpt = await readLimited(modelBin, MAX_CHECKPOINT_BYTES, 'llama2.c checkpoint');
  const weights = parseLlama2cCheckpoint(ckpt, modelBin);
  const tok = await readLimited(tokenizerBin, MAX_TOKENIZER_BYTES, 'llama2.c tokenizer');
  validateLlama2cTokenizer(tok, weights.config.vocabSize, tokenizerBin);
  const proto = buildLlamaGraph(weights);
  const bytes = encodeModel(proto);
  const outDir = path.dirname(path.resolve(outOnnx));
  await fs.promises.mkdir(outDir, { recursive: true });
  const tokenizerPath = path.join(outDir, 'tokenizer.bin');
  // Write to temporary names first so a concurrent reader never sees half a file.
  const tmpModel = `${outOnnx}.${process.pid}.tmp`;
  const tmpTok = `${tokenizerPath}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmpModel, bytes);
  await fs.promises.writeFile(tmpTok, tok);
  await fs.promises.rename(tmpModel, outOnnx);
  await fs.promises.rename(tmpTok, tokenizerPath);
  const c = weights.config;
  const kvDim = c.kvHeads * c.headSize;
  const perLayer = 2 * c.dim + 2 * c.dim * c.dim + 2 * kvDim * c.dim + 3 * c.hiddenDim * c.dim;
  const parameters = c.vocabSize * c.dim * (c.sharedClassifier ? 1 : 2) + c.layers * perLayer + c.dim;
  return { onnxPath: path.resolve(outOnnx), tokenizerPath, config: c, parameters, onnxBytes: bytes.byteLength };
}
