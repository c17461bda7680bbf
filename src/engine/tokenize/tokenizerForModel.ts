// Finding the tokenizer that belongs to a model: the files exporters and llama2.c put beside it.
// Looked for in the model's folder, in this order: tokenizer.json (+ tokenizer_config.json, as
// optimum and transformers save them), tokenizer.bin (llama2.c), then a single tok<N>.bin (the
// name llama2.c gives custom-vocabulary tokenizers, e.g. tok512.bin).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { INPUT_FILE_KINDS } from '../files/boundedRead';
import { readJsonFile } from '../files/jsonFile';
import { HuggingFaceTokenizer } from './huggingFaceTokenizer';
import { Llama2cTokenizer } from './llama2cTokenizer';
import { TextTokenizer } from './textTokenizer';

const readJson = (file: string): unknown => readJsonFile(file, INPUT_FILE_KINDS.tokenizerJson);

export interface TokenizerLoadOptions {
  /** The model's vocabulary size: a tokenizer producing larger ids is refused. */
  vocabSize?: number;
}

function checkVocab(t: TextTokenizer, file: string, opts: TokenizerLoadOptions): TextTokenizer {
  if (opts.vocabSize !== undefined && t.vocabSize > opts.vocabSize) {
    throw new InputError(file, `tokenizer has ${t.vocabSize} tokens but the model's vocabulary has ${opts.vocabSize}`);
  }
  return t;
}

/** Loads a tokenizer from an explicit file: a tokenizer.json or a llama2.c .bin. */
export function loadTokenizerFile(file: string, opts: TokenizerLoadOptions = {}): TextTokenizer {
  if (!fs.existsSync(file)) throw new InputError(file, 'tokenizer file not found');
  if (file.endsWith('.json')) {
    const cfgPath = path.join(path.dirname(file), 'tokenizer_config.json');
    const cfg = fs.existsSync(cfgPath) ? readJson(cfgPath) : {};
    return checkVocab(new HuggingFaceTokenizer(readJson(file), cfg, file), file, opts);
  }
  // llama2.c files do not store the vocabulary size; when the model's is known, read exactly that many.
  return checkVocab(Llama2cTokenizer.fromFile(file, opts.vocabSize), file, opts);
}

/** The tokenizer beside `modelPath`, or an InputError saying what was looked for. */
export function loadTokenizerForModel(modelPath: string, opts: TokenizerLoadOptions = {}): TextTokenizer {
  const dir = path.dirname(path.resolve(modelPath));
  const candidates = [path.join(dir, 'tokenizer.json'), path.join(dir, 'tokenizer.bin')];
  for (const c of candidates) if (fs.existsSync(c)) return loadTokenizerFile(c, opts);
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    throw new InputError(dir, 'model folder cannot be read');
  }
  const toks = entries.filter((e) => /^tok\d+\.bin$/.test(e));
  if (toks.length === 1) return loadTokenizerFile(path.join(dir, toks[0]), opts);
  throw new InputError(
    modelPath,
    toks.length > 1
      ? `several llama2.c tokenizers beside the model (${toks.join(', ')}); name the one to use`
      : 'no tokenizer found beside the model (looked for tokenizer.json, tokenizer.bin, tok<N>.bin)',
  );
}
