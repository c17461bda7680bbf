import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { onnx } from 'onnx-proto';
import { InputError } from '../../../src/engine/errors';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { node } from '../../../src/engine/onnx/graphBuilder';
import { CI_FIXTURES, generateFixture } from '../../fixtures/generateFixture';
import { convertStories260K } from './stories260kModel';
import * as fs from 'node:fs';
import { fusedAttentionModel, mlpModel, tinyAttentionModel } from './tinyAttentionGraph';

const isInputError = (re: RegExp) => (e: unknown) => e instanceof InputError && re.test(e.message);

test('every fixture family/variant: one core per layer, heads, causal and family as exported', () => {
  for (const f of CI_FIXTURES) {
    const fx = generateFixture(f.kind, f.variant);
    const d = discoverTransformer(fx.proto, `${f.kind}.onnx`);
    const c = fx.config;
    const tag = `${f.kind}/${f.variant}`;
    assert.equal(d.cores.length, c.layers, tag);
    assert.equal(d.summary.family, c.family, tag);
    assert.equal(d.summary.causal, c.causal, tag);
    assert.deepEqual(d.cores.map((x) => x.layer), [...d.cores.keys()], tag);
    assert.ok(d.cores.every((x, i) => i === 0 || x.anchorIndex > d.cores[i - 1].anchorIndex), `${tag}: layer order`);
    for (const core of d.cores) {
      // Geometry is read statically: constant or Concat-built reshape targets, fused-op attributes
      // and projection widths.
      assert.deepEqual([core.heads, core.kvHeads, core.headDim], [c.heads, c.kvHeads, c.headDim], tag);
      assert.equal(core.causal, c.causal, `${tag}: ${core.causalEvidence}`);
      if (core.kind === 'plain') {
        assert.ok(core.q && core.k && core.v && core.probabilities, tag);
        assert.ok(core.scale !== null && Math.abs(core.scale - 1 / Math.sqrt(c.headDim)) < 1e-3, `${tag}: scale ${core.scale}`);
      } else {
        assert.ok(c.fusedOps.includes(core.kind), `${tag}: ${core.kind} in ${c.fusedOps}`);
      }
    }
    assert.deepEqual([d.summary.heads, d.summary.kvHeads, d.summary.headDim, d.summary.hiddenSize], [c.heads, c.kvHeads, c.headDim, c.hidden], tag);
    assert.ok(d.summary.parameters > 0 && d.summary.opset === c.opset, tag);
  }
});

test('grouped-query attention: repeat_kv is seen through and KV heads recorded', () => {
  const d = discoverTransformer(generateFixture('llama', 'fp32').proto);
  assert.equal(d.cores[0].kvRepeated, true);
  assert.equal(d.summary.kvHeads * 2, d.summary.heads);
  const gqa = discoverTransformer(generateFixture('llama-gqa', 'fp32').proto);
  assert.equal(gqa.cores[0].kind, 'GroupQueryAttention');
  assert.equal(gqa.cores[0].kvHeads * 2, gqa.cores[0].heads);
  assert.match(gqa.cores[0].causalEvidence, /causal by definition/);
});

test('converted stories260K: 5 causal layers, 8 heads over 4 KV heads of 8, Llama family', async () => {
  const r = await convertStories260K();
  const d = discoverTransformer(onnx.ModelProto.decode(fs.readFileSync(r.onnxPath)), 'stories260K.onnx');
  assert.deepEqual(
    { family: d.summary.family, layers: d.summary.layers, heads: d.summary.heads, kv: d.summary.kvHeads, D: d.summary.headDim, hidden: d.summary.hiddenSize, causal: d.summary.causal },
    { family: 'llama', layers: 5, heads: 8, kv: 4, D: 8, hidden: 64, causal: true },
  );
  assert.match(d.summary.attentionCores[0], /^MatMul->Div->Add->Softmax->MatMul at \/model\/layers\.0\/self_attn\/Softmax/);
  assert.match(d.cores[0].causalEvidence, /Trilu/);
  assert.deepEqual(d.inputs.map((i) => [i.name, i.elemType, i.dims]), [['input_ids', 'INT64', ['batch_size', 'sequence_length']], ['position_ids', 'INT64', ['batch_size', 'sequence_length']]]);
  assert.deepEqual(d.outputs.map((o) => [o.name, o.dims]), [['logits', ['batch_size', 'sequence_length', 512]]]);
  assert.ok(Math.abs((d.cores[0].scale ?? 0) - 1 / Math.sqrt(8)) < 1e-7);
});

test('scale applied to Q before Q x K^T is folded into the core scale; Trilu mask is causal', () => {
  const d = discoverTransformer(tinyAttentionModel({ scaleOn: 'q', mask: 'trilu' }));
  assert.equal(d.cores.length, 1);
  assert.equal(d.cores[0].scale, 0.5);
  assert.equal(d.cores[0].operandScale, 0.5);
  assert.equal(d.cores[0].q?.name, 'q_heads');
  assert.equal(d.cores[0].k?.name, 'k_heads');
  assert.equal(d.cores[0].k?.layout, 'BHLD');
  assert.equal(d.cores[0].causal, true);
  assert.equal(d.summary.heads, 2);
  assert.equal(d.summary.headDim, 4);
  const bi = discoverTransformer(tinyAttentionModel({ mask: 'none' }));
  assert.equal(bi.cores[0].causal, false);
  assert.match(bi.cores[0].causalEvidence, /bidirectional/);
});

test('graphs it cannot map: InputErrors naming where discovery stopped and why', () => {
  assert.throws(() => discoverTransformer(mlpModel(false), 'mlp.onnx'), isInputError(/^mlp\.onnx: no Softmax .*this graph has no attention/));
  assert.throws(() => discoverTransformer(mlpModel(true), 'cls.onnx'), isInputError(/no attention found: Softmax node\(s\) 'y' are not fed by a MatMul of two activations/));
  assert.throws(() => discoverTransformer(tinyAttentionModel({ afterSoftmax: 'relu' })), isInputError(/Softmax node 'probs'.*followed by Relu node 'probs_relu', not by a MatMul with V/));
  assert.throws(() => discoverTransformer(fusedAttentionModel('Attention', { do_rotary: 1 })), isInputError(/Attention node 'ctx'.*unsupported attribute do_rotary/));
  assert.throws(() => discoverTransformer(fusedAttentionModel('GroupQueryAttention', { local_window_size: 16 })), isInputError(/unsupported attribute local_window_size: sliding-window/));
  const withIf = tinyAttentionModel();
  withIf.graph?.node?.push(onnx.NodeProto.create(node({ op: 'If', inputs: ['cond'], outputs: ['branch'] })));
  assert.throws(() => discoverTransformer(withIf), isInputError(/If node 'branch'.*control flow \(If\) is not supported: the profiler needs a graph without If/));
  // Only optimum's merged decoder (If on use_cache_branch) gets the re-export advice.
  const merged = tinyAttentionModel();
  merged.graph?.node?.push(onnx.NodeProto.create(node({ op: 'If', inputs: ['use_cache_branch'], outputs: ['branch'] })));
  assert.throws(() => discoverTransformer(merged), isInputError(/optimum --no-post-process/));
});
