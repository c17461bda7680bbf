import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { InputError } from '../../../src/engine/errors';
import { createOrtSession } from '../../../src/engine/runtime/ortEnvironment';
import { convertLlama2c } from '../../../src/engine/model/llama2cConverter';
import { parseLlama2cCheckpoint, parseLlama2cHeader } from '../../../src/engine/model/llama2cCheckpoint';
import { loadTokenizerForModel } from '../../../src/engine/tokenize/tokenizerForModel';
import { convertStories260K, KNOWN_CONTINUATION, ONCE_UPON_A_TIME, REPO_ROOT, STORIES_BIN, STORIES_TOKENIZER } from './stories260kModel';

const scratch = path.join(REPO_ROOT, '.test-cache', 'llama2c-converter');

function header(values: number[]): Uint8Array {
  const b = new Uint8Array(28);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setInt32(i * 4, x, true));
  return b;
}

test('stories260K converts and greedy decoding through plain onnxruntime continues with the known-good text', async () => {
  const r = await convertStories260K();
  assert.deepEqual(
    { dim: r.config.dim, layers: r.config.layers, heads: r.config.heads, kvHeads: r.config.kvHeads, vocab: r.config.vocabSize, shared: r.config.sharedClassifier },
    { dim: 64, layers: 5, heads: 8, kvHeads: 4, vocab: 512, shared: true },
  );
  assert.equal(path.basename(r.tokenizerPath), 'tokenizer.bin');
  const tok = loadTokenizerForModel(r.onnxPath, { vocabSize: 512 });
  assert.deepEqual(tok.encode('Once upon a time').ids, ONCE_UPON_A_TIME);

  const session = await createOrtSession(r.onnxPath, {});
  assert.deepEqual([...session.inputNames].sort(), ['input_ids', 'position_ids']);
  const ids = [...ONCE_UPON_A_TIME];
  const expectedText = `Once upon a time${KNOWN_CONTINUATION}`;
  while (tok.decode(ids).length < expectedText.length && ids.length < 80) {
    const n = ids.length;
    const out = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, n]),
    });
    assert.deepEqual(out.logits.dims, [1, n, 512]);
    const l = out.logits.data as Float32Array;
    let best = 0;
    for (let v = 1; v < 512; v++) if (l[(n - 1) * 512 + v] > l[(n - 1) * 512 + best]) best = v;
    ids.push(best);
  }
  await session.release();
  assert.equal(tok.decode(ids).trim(), expectedText);
});

test('header and size errors are InputErrors naming the field', () => {
  assert.throws(() => parseLlama2cHeader(new Uint8Array(10), 'x.bin'), (e: unknown) => e instanceof InputError && /28-byte/.test(e.message));
  assert.throws(() => parseLlama2cHeader(header([64, 172, 5, 8, 4, 512, -1]), 'x.bin'), /seq_len = -1/);
  assert.throws(() => parseLlama2cHeader(header([64, 172, 5, 7, 7, 512, 512]), 'x.bin'), /not divisible by n_heads/);
  assert.throws(() => parseLlama2cHeader(header([64, 172, 5, 8, 3, 512, 512]), 'x.bin'), /n_kv_heads/);
  // A real header over a truncated body.
  const real = new Uint8Array(fs.readFileSync(STORIES_BIN));
  assert.throws(() => parseLlama2cCheckpoint(real.subarray(0, real.length - 4), 'x.bin'), /needs 264128/);
  const c = parseLlama2cCheckpoint(real, 'x.bin').config;
  assert.equal(c.headSize, 8);
});

test('a tokenizer that does not match the model vocabulary is refused before anything is written', async () => {
  fs.mkdirSync(scratch, { recursive: true });
  const tok = new Uint8Array(fs.readFileSync(STORIES_TOKENIZER));
  const cut = path.join(scratch, 'tok-cut.bin');
  fs.writeFileSync(cut, tok.subarray(0, tok.length - 10));
  const out = path.join(scratch, 'never.onnx');
  await assert.rejects(convertLlama2c(STORIES_BIN, cut, out), (e: unknown) => e instanceof InputError && /record|ends/.test(e.message));
  assert.equal(fs.existsSync(out), false);
  await assert.rejects(convertLlama2c(path.join(scratch, 'missing.bin'), STORIES_TOKENIZER, out), /not found/);
});
