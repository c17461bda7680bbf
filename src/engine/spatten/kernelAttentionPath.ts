// The SpAtten core's call with its bulk arithmetic in an AttentionKernel (the onnxruntime graph of
// runtime/ortAttentionKernel.ts): this side gathers the decisions (alive heads, rows, keys) and
// turns the kernel's vectors of heads x rows and of keys back into the state (importance, head
// sums, refetches, Trace rows). No [H, Lq, Lk] tensor crosses into JS, except under local V
// pruning: its per-row top-k (the top-k engine's selection and measured rounds) needs each row's
// probabilities, so the kernel hands them over (scores, softmax, refetch and importance done) and
// this side selects each row's V rows and multiplies only those (k x D per row instead of the
// TypeScript loops' n x D scores, n exponentials and k x D).
import type { AttentionCoreCall } from '../runtime/attentionCore';
import type { AttentionKernel, KernelResult } from './attentionKernel';
import { weightedValues } from './attentionRow';
import { pvFlops, qkFlops } from './flops';
import { pruneLocalValues } from './localVPruning';
import { upperBound, type SpattenCoreState } from './spattenCoreState';

export async function runAttentionOnKernel(st: SpattenCoreState, call: AttentionCoreCall, kernel: AttentionKernel): Promise<Float32Array> {
  const b = st.begin(call);
  const { layer } = call;
  const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk } = call.shape;
  const nAlive = b.nAlive;
  const heads: number[] = [];
  for (let h = 0; h < H; h++) if (st.heads.isAlive(h, layer)) heads.push(h);
  const rows: number[] = [];
  for (let i = 0; i < Lq; i++) if (st.tokens.isAlive(call.queryPositions[i], layer)) rows.push(i);
  const m = heads.length;
  const r = rows.length;
  const keys = st.aliveKeys.slice(0, nAlive);
  // Visible alive keys per row: all, or (causal) those at positions <= the row's.
  const nVis = Int32Array.from(rows, (i) => (call.causal ? upperBound(keys, nAlive, call.queryPositions[i]) : nAlive));
  const out = new Float32Array(H * Lq * D);
  const localV = st.localVApplies(call.step);
  let res: KernelResult | null = null;
  if (m > 0 && r > 0 && nAlive > 0) {
    res = await kernel.run({
      shape: call.shape,
      q: call.q,
      k: call.k,
      v: call.v,
      kvStride: call.kvStride ?? Lk,
      // An all-zero mask or bias adds nothing: the kernel skips the [m, r, n] addition.
      mask: additive(call.mask),
      bias: additive(call.bias ?? null),
      scale: call.scale,
      heads: Int32Array.from(heads),
      kvOf: Int32Array.from(heads, (h) => Math.floor((h * Hkv) / H)),
      rows: Int32Array.from(rows),
      rowLimit: Float64Array.from(rows, (i) => (call.causal ? call.queryPositions[i] : Infinity)),
      keys,
      quantization: st.policy.quantization,
      rowsNonEmpty: nVis.every((x) => x > 0) && !facts(call.mask).minusInfinity && !facts(call.bias ?? null).minusInfinity,
      probabilities: localV,
    });
    // The kernel's [m, r, n] work runs in ORT; here only vectors of m * r and n values (and, under
    // local V, the probabilities its per-row top-k needs).
    const sums = new Float64Array(Lk);
    const seen = new Float64Array(Lk);
    for (let s = 0; s < nAlive; s++) sums[keys[s]] = res.importance[s];
    // Rows that see slot s: those whose visible count exceeds s (nVis is per row, slots ascend).
    const rowsSeeing = new Int32Array(nAlive + 1);
    for (let x = 0; x < r; x++) rowsSeeing[nVis[x]]++;
    let acc = 0;
    for (let s = nAlive - 1; s >= 0; s--) {
      acc += rowsSeeing[s + 1];
      seen[keys[s]] = m * acc;
    }
    st.importance.addColumnSums(sums, seen, Lk);
  }
  // Local V: the V rows as the TypeScript loops quantize them (the same state for later calls).
  const ops = localV && res ? st.operands.prepare(call, st.policy.quantization, st.aliveKeys, nAlive) : null;
  const kvAlive = new Uint8Array(Hkv);
  let attentionFlops = 0;
  for (let a = 0; a < m; a++) {
    const h = heads[a];
    const kv = Math.floor((h * Hkv) / H);
    kvAlive[kv] = 1;
    let maxProbability = 0;
    let refetched = 0;
    let visibleSum = 0;
    let valuesSum = 0;
    const localRounds: number[][] = [];
    for (let x = 0; x < r; x++) {
      const i = rows[x];
      const at = a * r + x;
      // No alive key (never for a row whose own token is alive): no distribution, output 0.
      if (!res) {
        st.recorder.countRow(layer, h, 0);
        continue;
      }
      const outOff = (h * Lq + i) * D;
      let values = nVis[x];
      if (res.probabilities && ops) {
        const row = res.probabilities.subarray(at * nAlive, at * nAlive + nVis[x]);
        const pruned = pruneLocalValues(row, nVis[x], st.policy.localVPruning.keepFraction, st.topK);
        values = pruned.kept;
        localRounds.push(pruned.result.roundSizes);
        weightedValues(row, keys, nVis[x], ops.vSrc, kv * ops.kvStride * D, D, st.row.acc, out, outOff);
        st.heads.accumulate(h, out, outOff, D);
      } else {
        out.set(res.context.subarray(at * D, (at + 1) * D), outOff);
        st.heads.accumulateSum(h, res.rowAbsSum[at]);
      }
      visibleSum += nVis[x];
      valuesSum += values;
      const maxFirst = res.maxFirst[at];
      const refetch = res.refetched[at] === 1;
      if (refetch) {
        st.recorder.countRefetch({ step: b.traceStep, layer, head: h, query: call.queryPositions[i], maxProbBefore: maxFirst, maxProbAfter: res.maxAfter[at] });
        refetched++;
      }
      st.recorder.countRow(layer, h, maxFirst);
      if (maxFirst > maxProbability) maxProbability = maxFirst;
      attentionFlops += qkFlops(D, nVis[x]) * (refetch ? 2 : 1) + pvFlops(D, values);
    }
    st.pushTraceRow({ step: b.traceStep, layer, head: h, headDim: D, Lk, rows: r, nAlive, refetched, maxProbability, localV: localV ? { visibleSum, valuesSum, rounds: localRounds } : null });
  }
  let kvHeadsAlive = 0;
  for (let g = 0; g < Hkv; g++) kvHeadsAlive += kvAlive[g];
  st.end(call, b, m, kvHeadsAlive, attentionFlops);
  return out;
}

interface AdditiveFacts {
  allZero: boolean;
  minusInfinity: boolean;
}

/** Per array scanned once: masks are shared by every layer of a pass. */
const scanned = new WeakMap<Float32Array, AdditiveFacts>();

/** Whether an additive mask or bias is all zero, and whether it holds -Infinity (a row could then have no finite score). */
function facts(x: Float32Array | null): AdditiveFacts {
  if (!x) return { allZero: true, minusInfinity: false };
  let f = scanned.get(x);
  if (!f) {
    let allZero = true;
    let minusInfinity = false;
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== 0) allZero = false;
      if (x[i] === -Infinity) minusInfinity = true;
    }
    f = { allZero, minusInfinity };
    scanned.set(x, f);
  }
  return f;
}

/** The array the kernel must add, or null when it adds nothing. */
function additive(x: Float32Array | null): Float32Array | null {
  return x && !facts(x).allZero ? x : null;
}
