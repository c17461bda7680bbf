// What the TypeScript loops record for a full pass (step -1) under a dense policy, from the
// unmodified graph's own probability statistics (runtime/wholeGraphPass.ts): every token and head
// alive, rows counted in order, importance per key.
import { InputError } from '../errors';
import type { DenseLayerStats } from '../runtime/attentionCore';
import { pvFlops, qkFlops } from './flops';
import { isDensePolicy } from './policy';
import type { SpattenCoreState } from './spattenCoreState';

export function recordDensePassLayer(st: SpattenCoreState, s: DenseLayerStats): void {
  if (!isDensePolicy(st.policy)) throw new InputError(`policy ${st.policy.name}`, 'only a policy with every technique off can record a dense pass');
  const { layer, heads: H, queryLen: Lq, keyLen: Lk, causal } = s;
  const where = `dense pass, layer ${layer}`;
  if (!Number.isInteger(layer) || layer < 0 || layer >= st.dims.layers) throw new InputError(where, `layer must be an integer in [0, ${st.dims.layers})`);
  if (H !== st.dims.heads) throw new InputError(where, `${H} heads, the core was built for ${st.dims.heads}`);
  if (Lq !== Lk) throw new InputError(where, `${Lq} query rows over ${Lk} keys: a full pass has one row per key`);
  const D = st.dims.headDim;
  const traceStep = st.dims.mode === 'generation' ? -1 : 0;
  st.ensureScratch(Lk);
  st.contextByStep.set(-1, Lk);
  const tokensIn = st.tokens.countAlive(layer, Lk);
  const nAlive = st.tokens.aliveTokens(layer, Lk, st.aliveKeys);
  if (nAlive !== Lk) throw new InputError(where, `${nAlive} of ${Lk} tokens alive under a dense policy`);
  // Rows that saw key j: all of them, or (causal) those at positions >= j.
  const seen = new Float64Array(Lk);
  for (let j = 0; j < Lk; j++) seen[j] = H * (causal ? Lq - j : Lq);
  st.importance.addColumnSums(s.importance, seen, Lk);
  let attentionFlops = 0;
  for (let h = 0; h < H; h++) {
    let maxProbability = 0;
    for (let i = 0; i < Lq; i++) {
      // A row whose scores are all -Infinity has no distribution (ORT: NaN); run() reads 0.
      const m = s.rowMax[h * Lq + i];
      const maxProb = Number.isNaN(m) ? 0 : m;
      const nVis = causal ? i + 1 : Lk;
      st.heads.accumulateSum(h, s.rowAbsSum[h * Lq + i]);
      st.recorder.countRow(layer, h, maxProb);
      if (maxProb > maxProbability) maxProbability = maxProb;
      attentionFlops += qkFlops(D, nVis) + pvFlops(D, nVis);
    }
    st.pushTraceRow({ step: traceStep, layer, head: h, headDim: D, Lk, rows: Lq, nAlive, refetched: 0, maxProbability, localV: null });
  }
  const positions = Int32Array.from({ length: Lq }, (_, i) => i);
  st.finishLayer(positions, 0, { step: traceStep, layer, Lk, causal, tokensIn, tokensKept: nAlive, nAlive, headsAlive: H, kvHeadsAlive: st.dims.kvHeads, headTopK: undefined, attentionFlops });
}
