// The verdict's rules on hand-made simulations: the bound of a layer follows from its unit busy
// cycles against its cycles, and each advice rule fires exactly when its condition holds.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Quantity } from '../../../src/engine/report/profileReport';
import { computeVerdict, layerBound, type VerdictInputs } from '../../../src/engine/report/verdict';

const q = (value: number, unit: string): Quantity => ({ value, unit, source: 'modelled' });
const busy = (dram: number, qk: number, topk: number) => ({ DRAM: dram, 'Q x K': qk, Softmax: qk / 2, 'Top-k': topk, 'Prob x V': qk / 2 });

function inputs(over: Partial<VerdictInputs> = {}): VerdictInputs {
  return {
    sim: { layers: [{ layer: 0, cycles: 1000, unitBusy: busy(900, 100, 50) }, { layer: 1, cycles: 1000, unitBusy: busy(100, 800, 50) }] as never },
    summary: { dramBytes: q(1e5, 'B'), dramReduction: q(10, '×'), latency: q(2e-6, 's'), speedup: q(2, '×'), energy: q(1e-6, 'J'), energySaving: q(5, '×') },
    accuracy: { perplexityDense: { ...q(10, 'perplexity'), source: 'measured' }, perplexityDelta: { ...q(0.05, 'perplexity'), source: 'measured' } },
    modelFile: 'm.onnx',
    policyName: 'p',
    hardwareName: 'spatten-1x',
    headDim: 64,
    datapathHeadDim: 64,
    topKComparators: 16,
    mode: 'encoder',
    promptTokens: 10,
    generatedTokens: 0,
    ...over,
  };
}

test('layer bound: busiest unit, or fixed latency below half the cycles', () => {
  assert.equal(layerBound(busy(900, 100, 50), 1000).bound, 'memory');
  assert.equal(layerBound(busy(100, 800, 50), 1000).bound, 'compute');
  assert.equal(layerBound(busy(100, 100, 700), 1000).bound, 'top-k');
  const f = layerBound(busy(100, 300, 200), 1000);
  assert.equal(f.bound, 'fixed-latency');
  assert.equal(f.busiestUnit, 'Q x K');
  assert.equal(f.busiestShare, 0.3);
});

test('verdict: figures with units, sentence with the model, advice rules', () => {
  const v = computeVerdict(inputs());
  assert.deepEqual(v.figures.map((f) => f.id), ['dram', 'latency', 'energy', 'accuracy']);
  assert.equal(v.figures[3].versus?.value, 0.005);
  assert.match(v.sentence, /^On m\.onnx \(10 input tokens\)/);
  assert.match(v.sentence, /10× .*5× .*2× faster/);
  assert.deepEqual(v.advice.map((a) => a.rule), ['memory-bound']);
  const w = computeVerdict(inputs({ headDim: 8, accuracy: { perplexityDense: q(10, 'perplexity'), perplexityDelta: q(1, 'perplexity') }, sim: { layers: [{ layer: 0, cycles: 1000, unitBusy: busy(100, 200, 300) }] as never } }));
  assert.equal(w.bound, 'fixed-latency');
  assert.deepEqual(w.advice.map((a) => a.rule), ['accuracy-cost', 'head-dim', 'top-k-busiest', 'fixed-latency']);
  assert.match(w.advice[1].text, /Head dim 8 < the datapath's 64: 87\.5 %/);
});
