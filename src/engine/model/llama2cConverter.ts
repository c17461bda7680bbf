// llama2.c checkpoint -> Llama-style ONNX (see llamaGraph.ts), with the tokenizer written beside
// the model as `tokenizer.bin`, where loadTokenizerForModel looks for it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { INPUT_FILE_KINDS, readBoundedFile } from '../files/boundedRead';
import { Llama2cTokenizer } from '../tokenize/llama2cTokenizer';
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

export async function convertLlama2c(modelBin: string, tokenizerBin: string, outOnnx: string): Promise<ConvertResult> {
  // The checkpoint must stay under the 2 GB protobuf limit once written as ONNX: the kind's cap.
  const ckpt = await readBoundedFile(modelBin, INPUT_FILE_KINDS.llama2cCheckpoint);
  const weights = parseLlama2cCheckpoint(ckpt, modelBin);
  const tok = await readBoundedFile(tokenizerBin, INPUT_FILE_KINDS.tokenizerBin);
  // Parsed as profile will parse it, so a tokenizer that converts is one that loads.
  Llama2cTokenizer.fromBytes(tok, tokenizerBin, weights.config.vocabSize);
  const proto = buildLlamaGraph(weights, path.basename(modelBin).replace(/\.bin$/i, ''));
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
