// End to end on real trained weights: the converted stories260K (../shared) runs through the
// runtime's segments with the SpAtten core. Policy `off` must reproduce the dense run exactly;
// paper-gpt2-small must follow its schedule at every step and layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepCount, tokenKeepFractions } from '../../../src/engine/spatten/pruningSchedule';
import { valuesKept } from '../../../src/engine/spatten/localVPruning';
import { ONCE_UPON_A_TIME } from '../model/stories260kModel';
import { denseAttentionCore, STORIES_DIMS, storiesCore, storiesSession } from './stories260kSpatten';

test('stories260K: off equals dense; paper-gpt2-small follows the trace schedule', async () => {
  const engine = await storiesSession();
  try {
    const steps = 12;
    const dense = await engine.generate({ promptIds: ONCE_UPON_A_TIME, maxNewTokens: steps, core: denseAttentionCore });
    const off = await engine.generate({ promptIds: ONCE_UPON_A_TIME, maxNewTokens: steps, core: storiesCore('off') });
    assert.deepEqual(off.ids, dense.ids);
    const diff = Math.max(...off.logitsPerStep.map((row, i) => row.reduce((m, x, j) => Math.max(m, Math.abs(x - dense.logitsPerStep[i][j])), 0)));
    assert.ok(diff <= 1e-4, `off vs dense logits ${diff}`);

    const core = storiesCore('paper-gpt2-small');
    const g = await engine.generate({ promptIds: ONCE_UPON_A_TIME, maxNewTokens: steps, core });
    assert.equal(g.ids.length, steps);
    const trace = core.trace();
    const keep = tokenKeepFractions({ kind: 'gpt2-trace', model: 'gpt2-small' }, STORIES_DIMS.layers);
    const P = ONCE_UPON_A_TIME.length;
    // The prompt pass (step -1) yields the first token; decode step s feeds position P + s.
    for (const r of trace.rows) {
      if (r.step === -1) {
        assert.deepEqual([r.queries, r.keysFetched, r.sentenceLength], [P, P, P]);
        continue;
      }
      assert.equal(r.queries, 1);
      const Lk = r.sentenceLength;
      // BOS and the token being generated are protected, so at least 2 survive any quota.
      const want = r.step < 1 ? Lk : Math.max(2, keepCount(keep[r.layer], Lk, Lk));
      // A layer can hold fewer tokens than its quota when a later layer pruned them in an earlier
      // step (cascade across steps) plus the new token: never more than the quota.
      assert.ok(r.keysFetched <= want, `step ${r.step} layer ${r.layer}: ${r.keysFetched} > ${want}`);
      if (r.step === 0) assert.equal(r.keysFetched, Lk, 'the first generated token fetches everything');
      assert.equal(r.valuesFetched, valuesKept(0.2, r.keysFetched));
      assert.deepEqual([r.keyBits, r.lsbBits, r.valueBits, r.queryBits, r.requantThreshold], [6, 4, 6, 16, 0.05]);
    }
    const layerSteps = trace.layerSteps!;
    assert.equal(layerSteps.length, STORIES_DIMS.layers * (1 + trace.rows.filter((r) => r.step >= 0).length / (STORIES_DIMS.layers * STORIES_DIMS.heads)));
    const pruned = core.observations().tokenPrunedAtLayer;
    assert.equal(pruned[0], -1, 'BOS is protected');
    assert.ok(pruned.some((l) => l >= 0), 'some tokens were pruned');
    const report = core.observations().refetch;
    const rows = report.rows.flat().reduce((a, b) => a + b, 0);
    assert.equal(rows, trace.rows.reduce((a, r) => a + r.queries, 0));
    assert.equal(report.refetched.flat().reduce((a, b) => a + b, 0), trace.rows.reduce((a, r) => a + r.refetchedQueries, 0));
  } finally {
    await engine.release();
  }
});
