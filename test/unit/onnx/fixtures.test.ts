// Every CI fixture loads through loadOnnxModel and runs in onnxruntime-node; fused fixtures compute
// the same function as their plain siblings; "with past" fixtures agree with a full recompute.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../../src/engine/onnx/graphBuilder';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { float16BitsToFloat32 } from '../../../src/engine/onnx/tensorData';
import { createOrtSession } from '../../../src/engine/runtime/ortEnvironment';
import { loadTokenizerForModel } from '../../../src/engine/tokenize/tokenizerForModel';
import { CI_FIXTURES, FixtureKind, FixtureVariant, GeneratedFixture, generateFixture } from '../../fixtures/generateFixture';

const i64 = (a: number[], dims: number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(a.map((x) => BigInt(x))), dims);

interface RunInput {
  ids: number[];
  mask?: number[];
  pastLen?: number;
  past?: Record<string, ort.Tensor>;
}

async function run(f: GeneratedFixture, session: ort.InferenceSession, inp: RunInput): Promise<ort.InferenceSession.OnnxValueMapType> {
  const s = inp.ids.length;
  const pastLen = inp.pastLen ?? 0;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: i64(inp.ids, [1, s]),
    attention_mask: i64(inp.mask ?? new Array(s + pastLen).fill(1), [1, s + pastLen]),
    token_type_ids: i64(new Array(s).fill(0), [1, s]),
    position_ids: i64(inp.ids.map((_, i) => i + pastLen), [1, s]),
  };
  for (const k of Object.keys(feeds)) if (!session.inputNames.includes(k)) delete feeds[k];
  const half = f.config.variant === 'fp16';
  for (const n of session.inputNames) {
    if (!n.startsWith('past_key_values.')) continue;
    feeds[n] =
      inp.past?.[n.replace('past_key_values', 'present')] ??
      new ort.Tensor(half ? 'float16' : 'float32', half ? new Uint16Array(0) : new Float32Array(0), [1, f.config.kvHeads, 0, f.config.headDim]);
  }
  return session.run(feeds);
}

function logitsOf(out: ort.InferenceSession.OnnxValueMapType): Float32Array {
  const t = out.logits;
  if (t.type === 'float16') {
    const bits = t.data as Uint16Array;
    return Float32Array.from(bits, (b) => float16BitsToFloat32(b));
  }
  return t.data as Float32Array;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}

async function session(f: GeneratedFixture): Promise<ort.InferenceSession> {
  // Through our loader (external data inlined, re-encoded) exactly as the runtime will do it.
  const loaded = await loadOnnxModel(f.path);
  // One thread: CI has 2 cores shared by parallel test files.
  return createOrtSession(encodeModel(loaded.proto), { intraOpNumThreads: 1, interOpNumThreads: 1 });
}

const IDS = [1, 5, 7, 9, 3, 11];

describe('generated fixtures', () => {
  for (const { kind, variant } of CI_FIXTURES) {
    it(`${kind} ${variant}: loads, runs in onnxruntime-node, logits finite and shaped`, async () => {
      const f = generateFixture(kind, variant);
      assert.ok(fs.statSync(f.path).size < 300_000, 'tiny fixture stays small');
      const s = await session(f);
      const out = await run(f, s, { ids: IDS });
      const logits = logitsOf(out);
      const expected = f.config.architecture === 'encoder' ? [1, f.config.labels] : [1, IDS.length, f.config.vocab];
      assert.deepEqual(out.logits.dims, expected);
      assert.ok(logits.every(Number.isFinite), 'finite logits');
      assert.ok(maxAbs(logits) > 1e-3, 'logits are not all zero');
    });
  }

  it('is deterministic: building again in a fresh folder gives the same bytes', () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'spatten-fixture-'));
    try {
      for (const variant of ['fp32', 'int8'] as FixtureVariant[]) {
        const a = fs.readFileSync(generateFixture('gpt2', variant).path);
        const b = fs.readFileSync(generateFixture('gpt2', variant, { dir: fresh }).path);
        assert.ok(a.equals(b), variant);
      }
      const c = generateFixture('gpt2', 'fp32', { seed: 99, dir: fresh });
      assert.ok(!fs.readFileSync(c.path).equals(fs.readFileSync(generateFixture('gpt2', 'fp32').path)), 'another seed gives other weights');
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  const pairs: [FixtureKind, FixtureKind, number[]][] = [
    ['bert-opset11', 'bert', [1, 1, 1, 1, 1, 0]],
    ['bert-fused', 'bert', [1, 1, 1, 1, 1, 0]],
    ['bert-mha', 'bert', [1, 1, 1, 1, 0, 0]],
    ['gpt2-fused', 'gpt2', [1, 1, 1, 1, 1, 1]],
    ['llama-gqa', 'llama', [1, 1, 1, 1, 1, 1]],
  ];
  for (const [fused, plain, mask] of pairs) {
    it(`${fused} computes the same logits as ${plain} (max abs diff <= 1e-4)`, async () => {
      const a = generateFixture(fused, 'fp32');
      const b = generateFixture(plain, 'fp32');
      const la = logitsOf(await run(a, await session(a), { ids: IDS, mask }));
      const lb = logitsOf(await run(b, await session(b), { ids: IDS, mask }));
      assert.ok(maxAbsDiff(la, lb) <= 1e-4, `diff ${maxAbsDiff(la, lb)}`);
    });
  }

  for (const kind of ['gpt2-past', 'llama-past', 'llama-gqa'] as FixtureKind[]) {
    it(`${kind}: prefix then one step with past equals a full run`, async () => {
      const f = generateFixture(kind, 'fp32');
      const s = await session(f);
      const full = logitsOf(await run(f, s, { ids: IDS }));
      const prefix = await run(f, s, { ids: IDS.slice(0, -1) });
      const past: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(prefix)) if (k.startsWith('present.')) past[k] = v as ort.Tensor;
      assert.equal(Object.keys(past).length, 2 * f.config.layers);
      const step = logitsOf(await run(f, s, { ids: IDS.slice(-1), pastLen: IDS.length - 1, past }));
      const V = f.config.vocab;
      const lastFull = full.subarray((IDS.length - 1) * V, IDS.length * V);
      assert.ok(maxAbsDiff(step, lastFull) <= 1e-4, `diff ${maxAbsDiff(step, lastFull)}`);
    });
  }

  it('gpt2-past without past equals gpt2 (same weights)', async () => {
    const a = generateFixture('gpt2-past', 'fp32');
    const b = generateFixture('gpt2', 'fp32');
    const la = logitsOf(await run(a, await session(a), { ids: IDS }));
    const lb = logitsOf(await run(b, await session(b), { ids: IDS }));
    assert.ok(maxAbsDiff(la, lb) <= 1e-5);
  });

  const variants: [FixtureKind, FixtureVariant, number][] = [
    ['bert', 'external', 0],
    ['llama', 'external', 0],
    ['bert', 'fp16', 0.03],
    ['gpt2', 'fp16', 0.03],
    ['llama', 'fp16', 0.03],
    ['bert', 'int8', 0.15],
    ['llama', 'int8', 0.15],
  ];
  for (const [kind, variant, relTol] of variants) {
    it(`${kind} ${variant} agrees with fp32 (max abs diff <= ${relTol} x max |logit|)`, async () => {
      const a = generateFixture(kind, variant);
      const b = generateFixture(kind, 'fp32');
      const la = logitsOf(await run(a, await session(a), { ids: IDS }));
      const lb = logitsOf(await run(b, await session(b), { ids: IDS }));
      const diff = maxAbsDiff(la, lb);
      assert.ok(diff <= relTol * maxAbs(lb), `diff ${diff}, max |logit| ${maxAbs(lb)}`);
      if (variant !== 'external') assert.ok(diff > 0, 'a lossy variant changes the logits a little');
    });
  }
});

describe('fixtures with a tokenizer beside them', () => {
  for (const kind of ['bert', 'gpt2', 'llama'] as FixtureKind[]) {
    it(`${kind}: loadTokenizerForModel finds it and its ids run through the model`, async () => {
      const f = generateFixture(kind, 'fp32', { withTokenizer: true });
      assert.equal(path.basename(f.path), 'model.onnx');
      const tok = loadTokenizerForModel(f.path, { vocabSize: f.config.vocab });
      const enc = tok.encode('Once upon a time, Lily was playing!');
      const out = await run(f, await session(f), { ids: enc.ids });
      assert.ok(logitsOf(out).every(Number.isFinite));
    });
  }
});
