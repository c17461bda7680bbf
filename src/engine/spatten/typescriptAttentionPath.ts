// The SpAtten core's arithmetic in TypeScript loops, one query row at a time: the test oracle of
// the onnxruntime kernel (runtime/ortAttentionKernel.ts) and the path of the calls the kernel
// cannot express (local V pruning's per-row top-k rounds, decode steps that re-run a prefix,
// decode steps too small for a kernel run). Per alive head and row: scores from the quantized Q
// and MSB-only K, an LSB refetch and recompute of flat rows, token importance from the final
// probabilities, local V pruning (no renormalization), P x V, head importance from the output.
import type { AttentionCoreCall } from '../runtime/attentionCore';
import { softmaxScores, weightedValues } from './attentionRow';
import { pvFlops, qkFlops } from './flops';
import { pruneLocalValues } from './localVPruning';
import { upperBound, type SpattenCoreState } from './spattenCoreState';

export function runAttentionInTypeScript(st: SpattenCoreState, call: AttentionCoreCall): Float32Array {
  const { traceStep, replayBelow, tokensIn, nAlive } = st.begin(call);
  const { layer, step } = call;
  const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk } = call.shape;
  const p = st.policy;

  const out = new Float32Array(H * Lq * D);
  const { qSrc, kScore, kFull, vSrc, kvStride } = st.operands.prepare(call, p.quantization, st.aliveKeys, nAlive);
  const progressive = p.quantization.mode === 'progressive';
  const threshold = p.quantization.threshold;
  const localV = st.localVApplies(step);
  let attentionFlops = 0;
  let headsAlive = 0;
  const kvAlive = new Uint8Array(Hkv);
  const probs = st.row.probs;
  const bias = call.bias ?? null;
  for (let h = 0; h < H; h++) {
    if (!st.heads.isAlive(h, layer)) continue;
    headsAlive++;
    const kv = Math.floor((h * Hkv) / H);
    kvAlive[kv] = 1;
    const kBase = kv * kvStride * D;
    let rows = 0;
    let visibleSum = 0;
    let valuesSum = 0;
    let refetched = 0;
    let maxProbability = 0;
    const localRounds: number[][] = [];
    for (let i = 0; i < Lq; i++) {
      const pos = call.queryPositions[i];
      if (!st.tokens.isAlive(pos, layer)) continue;
      const counted = pos >= replayBelow;
      const nVis = call.causal ? upperBound(st.aliveKeys, nAlive, pos) : nAlive;
      const qOff = (h * Lq + i) * D;
      const maskOff = i * Lk;
      const biasOff = (h * Lq + i) * Lk;
      const maxMsb = softmaxScores(qSrc, qOff, kScore, kBase, D, call.scale, call.mask, maskOff, bias, biasOff, st.aliveKeys, nVis, probs);
      const refetch = progressive && maxMsb < threshold;
      if (refetch) {
        // Flat row: fetch the K LSBs, recompute Q x K and softmax, discard the MSB-only result.
        const maxAfter = softmaxScores(qSrc, qOff, kFull, kBase, D, call.scale, call.mask, maskOff, bias, biasOff, st.aliveKeys, nVis, probs);
        if (counted) st.recorder.countRefetch({ step: traceStep, layer, head: h, query: pos, maxProbBefore: maxMsb, maxProbAfter: maxAfter });
      }
      if (counted) st.importance.addRow(probs, st.aliveKeys, nVis);
      let values = nVis;
      if (localV) {
        const pruned = pruneLocalValues(probs, nVis, p.localVPruning.keepFraction, counted ? st.topK : st.replayTopK);
        values = pruned.kept;
        if (counted) localRounds.push(pruned.result.roundSizes);
      }
      weightedValues(probs, st.aliveKeys, nVis, vSrc, kBase, D, st.row.acc, out, qOff);
      if (!counted) continue;
      st.heads.accumulate(h, out, qOff, D);
      st.recorder.countRow(layer, h, maxMsb);
      if (maxMsb > maxProbability) maxProbability = maxMsb;
      if (refetch) refetched++;
      attentionFlops += qkFlops(D, nVis) * (refetch ? 2 : 1) + pvFlops(D, values);
      rows++;
      visibleSum += nVis;
      valuesSum += values;
    }
    st.pushTraceRow({ step: traceStep, layer, head: h, headDim: D, Lk, rows, nAlive, refetched, maxProbability, localV: localV ? { visibleSum, valuesSum, rounds: localRounds } : null });
  }

  let kvHeadsAlive = 0;
  for (let g = 0; g < Hkv; g++) kvHeadsAlive += kvAlive[g];
  st.end(call, { traceStep, replayBelow, tokensIn, nAlive }, headsAlive, kvHeadsAlive, attentionFlops);
  return out;
}
