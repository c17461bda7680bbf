// lowerBound <= pipelined <= additive for every (step, layer): on the authors' traces (one query
// per row and sentence mode), on both presets, and on seeded random workloads (encoder and decoder
// shapes, D = 8 to 128, pruned and dense). And a pruned run's dense baseline is the dense workload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../../src/engine/hardware/simulate';
import { denseTrace } from '../../../src/engine/hardware/denseBaseline';
import { readWorkloadCsvFile } from '../../../src/engine/trace/workloadCsv';
import type { Trace } from '../../../src/engine/trace/trace';
import { randomWorkload } from './randomWorkloads';
import { assertBracket, PRESETS } from './timingBracket';

const TRACES = ['gpt2-small-wikitext2-spatten', 'gpt2-small-wikitext2-dense', 'gpt2-medium-wikitext2-spatten', 'gpt2-medium-ptb-dense'];

for (const name of TRACES) {
  test(`bracket on the authors' ${name} trace, one query per row and sentence mode`, () => {
    const file = `../shared/spatten-traces/${name}.csv`;
    assert.ok(assertBracket(readWorkloadCsvFile(file), name) > 0);
    // Sentence mode: every row stands for all its L queries (BERT-style).
    const sentence = readWorkloadCsvFile(file, { queries: 'sentence' });
    const steps = sentence.rows.filter((r) => r.step < 2); // two steps keep this test fast
    assert.ok(assertBracket({ ...sentence, rows: steps }, `${name} (sentence)`) > 0);
  });
}

test('bracket on 300 seeded random workloads (encoder/decoder, D 8..128, 4..16 heads)', () => {
  let checked = 0;
  for (let seed = 1; seed <= 300; seed++) checked += assertBracket(randomWorkload(seed), `random ${seed}`);
  assert.ok(checked > 1000);
});

test("a pruned encoder's dense baseline is the simulation of its dense workload (all queries, keys, heads)", () => {
  let encoders = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const t = randomWorkload(seed);
    if (t.mode === 'encoder') encoders++;
    for (const hw of PRESETS) {
      for (const timing of ['pipelined', 'additive'] as const) {
        const pruned = simulate(t, hw, { timing, denseBits: 32 });
        const dense = simulate(denseTrace(t), hw, { timing, denseBits: 32, unquantizedBits: 32 });
        assert.equal(pruned.denseCycles, dense.totalCycles, `seed ${seed} ${hw.name} ${timing}`);
        assert.equal(pruned.denseDramBytes, dense.dramBytes);
      }
    }
  }
  assert.ok(encoders > 10);
});

test('dense queries: an encoder row with 40 of 128 queries alive is billed 128 dense queries', () => {
  const t = randomWorkload(7);
  const enc: Trace = { ...t, mode: 'encoder', rows: t.rows.filter((r) => r.step <= 0).map((r) => ({ ...r, step: 0, sentenceLength: 128, keysFetched: 64, valuesFetched: 64, queries: 40, headDim: 64 })) };
  const d = denseTrace(enc);
  assert.ok(d.rows.every((r) => r.queries === 128 && r.keysFetched === 128));
});
