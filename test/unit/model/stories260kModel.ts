// Converts ../shared/models/stories260K (real trained weights, never copied into the repo) to ONNX
// under .test-cache at test time. Writes are atomic, so parallel test files may share the output.

import * as path from 'node:path';
import type { ConvertResult } from '../../../src/engine/model/llama2cConverter';
import { convertLlama2c } from '../../../src/engine/model/llama2cConverter';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const STORIES_DIR = path.resolve(REPO_ROOT, '../shared/models/stories260K');
export const STORIES_BIN = path.join(STORIES_DIR, 'stories260K.bin');
export const STORIES_TOKENIZER = path.join(STORIES_DIR, 'tok512.bin');
export const STORIES_ONNX = path.join(REPO_ROOT, '.test-cache', 'stories260K', 'stories260K.onnx');

/** "Once upon a time" with BOS, as the README gives it. */
export const ONCE_UPON_A_TIME = [1, 403, 407, 261, 378];
/** The README's known-good greedy continuation. */
export const KNOWN_CONTINUATION =
  ', there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.';

let converting: Promise<ConvertResult> | null = null;

export function convertStories260K(): Promise<ConvertResult> {
  converting ??= convertLlama2c(STORIES_BIN, STORIES_TOKENIZER, STORIES_ONNX);
  return converting;
}
