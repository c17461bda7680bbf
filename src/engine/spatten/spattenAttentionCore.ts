// The SpAtten functional model as an attention core. The runtime calls run() for every layer of
// every pass (step -1: encoder or prompt pass; 0, 1, ...: decode steps); the core applies the
// policy's techniques to the real Q, K, V and records what the hardware would have done.
//
// Per call: (generation) token top-k for this layer from the importance carried so far; the
// alive-token mask (a pruned key is never fetched, a pruned query row is not computed and its
// output stays 0: no alive token can attend to it any more); pruned heads output 0; scores from
// the quantized Q and MSB-only K, LSB refetch and recompute of flat rows; token importance from
// the final probabilities; local V pruning (no renormalization); P x V; head importance from the
// head's output. After the call: head top-k for the next layer, and (encoder) token top-k for the
// next layer. Generation prunes tokens from decode step `startStep` (1: the first generated token
// fetches everything) and can prune at layer 0 because importance accumulates over the prompt and
// earlier steps; the token being generated is always alive.
import type { AttentionCore, AttentionCoreCall, DenseLayerStats, DensePassObserver, KernelPathCore } from '../runtime/attentionCore';
import type { AttentionKernel, KernelResult } from './attentionKernel';
import { InputError } from '../errors';
import { type SpattenObservations } from './observations';
import type { TopKCall, Trace, TraceRow } from '../trace/trace';
import { AttentionRowScratch, softmaxScores, weightedValues } from './attentionRow';
import { CascadeHeadPruning } from './cascadeHeadPruning';
import { CascadeTokenPruning } from './cascadeTokenPruning';
import { fcFlopsPerToken, pvFlops, qkFlops } from './flops';
import { pruneLocalValues } from './localVPruning';
import { isDensePolicy, resolvePolicy, type SpattenPolicy } from './policy';
import { headKeepCounts, keepCount, tokenKeepFractions } from './pruningSchedule';
import { QuantizedOperands } from './quantizedOperands';
import { QuickSelectTopK } from './quickSelectTopK';
import { seededRandom } from '../seededRandom';
import { SpattenRecorder } from './spattenRecorder';
import { TokenImportance } from './tokenImportance';
import { validateCoreCall, validateCoreDims } from './validateCoreCall';
import type { ModelDims } from '../model/modelDims';

/**
 * Decode steps (one query row) with fewer scores than this (heads x keys) stay on the TypeScript
 * loops: a kernel run has a fixed cost of some 40 ORT node launches, more than such a step costs
 * in TypeScript once its K/V rows are quantized (measured on models/decoder, 128 + 32 tokens:
 * the kernel on every decode step was 1.3x slower than the loops).
 */
const KERNEL_MIN_DECODE_SCORES = 1 << 14;

/** The model's dimensions (FFN matrices default to 2: BERT, GPT-2), the run's mode and protections. */
export interface SpattenCoreDims extends Omit<ModelDims, 'ffnMatrices'> {
  ffnMatrices?: number;
  mode: 'encoder' | 'generation';
  /** Positions never pruned ([CLS], BOS), besides the policy's own protections. */
  protectedPositions: number[];
  /** Name written into the Trace's model info. */
  modelName?: string;
}

export class SpattenAttentionCore implements AttentionCore {
  private readonly tokenKeep: Float64Array;
  private readonly headKeep: Int32Array;
  private readonly importance = new TokenImportance();
  private tokens: CascadeTokenPruning;
  private heads: CascadeHeadPruning;
  private topK: QuickSelectTopK;
  /** Pivots for recomputed (replayed) rows, so they do not shift the main sequence's rounds. */
  private replayTopK: QuickSelectTopK;
  private recorder: SpattenRecorder;
  private readonly row = new AttentionRowScratch();
  private aliveKeys = new Int32Array(0);
  private scores = new Float64Array(0);
  private protectedFlags = new Uint8Array(0);
  private readonly operands: QuantizedOperands;
  /** [layer] positions computed by earlier calls (a decode step that re-runs the prefix recomputes them silently). */
  private computedUpTo: Int32Array;
  /** Context length (keys) of each step seen, for keptTokensAt. */
  private readonly contextByStep = new Map<number, number>();
  private readonly bits: Pick<TraceRow, 'keyBits' | 'valueBits' | 'queryBits' | 'requantThreshold' | 'lsbBits'>;

  constructor(
    readonly policy: SpattenPolicy,
    readonly dims: SpattenCoreDims,
  ) {
    validateCoreDims(dims);
    this.tokenKeep = tokenKeepFractions(policy.tokenPruning.enabled ? policy.tokenPruning.schedule : { kind: 'none' }, dims.layers);
    this.headKeep = headKeepCounts(policy.headPruning.enabled ? policy.headPruning.schedule : { kind: 'none' }, dims.layers, dims.heads);
    this.tokens = new CascadeTokenPruning(dims.layers);
    this.heads = new CascadeHeadPruning(dims.layers, dims.heads);
    this.topK = new QuickSelectTopK(seededRandom(policy.topK.seed));
    this.replayTopK = new QuickSelectTopK(seededRandom(policy.topK.seed ^ 0x5bd1e995));
    this.recorder = new SpattenRecorder(dims.layers, dims.heads);
    this.computedUpTo = new Int32Array(dims.layers);
    this.operands = new QuantizedOperands(dims.mode === 'generation');
    const q = policy.quantization;
    this.bits =
      q.mode === 'off'
        ? { keyBits: -1, valueBits: -1, queryBits: -1, requantThreshold: -1, lsbBits: -1 }
        : q.mode === 'static'
          ? { keyBits: q.keyBits, valueBits: q.valueBits, queryBits: q.queryBits, requantThreshold: -1, lsbBits: -1 }
          : { keyBits: q.keyBits, valueBits: q.valueBits, queryBits: q.queryBits, requantThreshold: q.threshold, lsbBits: q.keyLsbBits };
  }

  /** The decisions and bookkeeping before a call's heads run (shared by run() and runWithKernel()). */
  private begin(call: AttentionCoreCall): { traceStep: number; replayBelow: number; tokensIn: number; nAlive: number } {
    validateCoreCall(call, this.dims);
    const { layer, step } = call;
    const Lk = call.shape.keyLen;
    const p = this.policy;
    const generation = this.dims.mode === 'generation';
    const traceStep = generation ? step : 0;
    // A decode step that re-runs the whole prefix (graphs that cannot use a KV cache) recomputes
    // rows an earlier call already computed. On hardware those tokens' K and V sit in the cache:
    // their rows are computed for the output but count nowhere (importance, refetches, trace, FLOPs).
    const replayBelow = generation && step >= 0 ? this.computedUpTo[layer] : 0;
    this.ensureScratch(Lk);
    this.markProtected(call, replayBelow);
    this.contextByStep.set(step, Lk);

    // Generation: the top-k for this layer runs before it, on importance carried so far.
    const tokensIn = this.tokens.countAlive(layer, Lk);
    if (generation && p.tokenPruning.enabled && step >= p.tokenPruning.startStep) {
      const picked = this.pruneTokens(layer, Lk, tokensIn, step);
      if (picked && this.recorder.lastRow) this.recorder.lastRow.tokenTopK = picked;
    }
    return { traceStep, replayBelow, tokensIn, nAlive: this.tokens.aliveTokens(layer, Lk, this.aliveKeys) };
  }

  /** True when local V pruning applies to this call (its per-row top-k runs in TypeScript). */
  private localVApplies(step: number): boolean {
    const lv = this.policy.localVPruning;
    return lv.enabled && (this.dims.mode !== 'generation' || step >= 0 || lv.inPromptPass);
  }

  run(call: AttentionCoreCall): Float32Array {
    const { traceStep, replayBelow, tokensIn, nAlive } = this.begin(call);
    const { layer, step } = call;
    const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk } = call.shape;
    const p = this.policy;

    const out = new Float32Array(H * Lq * D);
    const { qSrc, kScore, kFull, vSrc, kvStride } = this.operands.prepare(call, p.quantization, this.aliveKeys, nAlive);
    const progressive = p.quantization.mode === 'progressive';
    const threshold = p.quantization.threshold;
    const localV = this.localVApplies(step);
    let attentionFlops = 0;
    let headsAlive = 0;
    const kvAlive = new Uint8Array(Hkv);
    const probs = this.row.probs;
    for (let h = 0; h < H; h++) {
      if (!this.heads.isAlive(h, layer)) continue;
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
        if (!this.tokens.isAlive(pos, layer)) continue;
        const counted = pos >= replayBelow;
        const nVis = call.causal ? upperBound(this.aliveKeys, nAlive, pos) : nAlive;
        const qOff = (h * Lq + i) * D;
        const maskOff = i * Lk;
        const maxMsb = softmaxScores(qSrc, qOff, kScore, kBase, D, call.scale, call.mask, maskOff, this.aliveKeys, nVis, probs);
        const refetch = progressive && maxMsb < threshold;
        if (refetch) {
          // Flat row: fetch the K LSBs, recompute Q x K and softmax, discard the MSB-only result.
          const maxAfter = softmaxScores(qSrc, qOff, kFull, kBase, D, call.scale, call.mask, maskOff, this.aliveKeys, nVis, probs);
          if (counted) this.recorder.countRefetch({ step: traceStep, layer, head: h, query: pos, maxProbBefore: maxMsb, maxProbAfter: maxAfter });
        }
        if (counted) this.importance.addRow(probs, this.aliveKeys, nVis);
        let values = nVis;
        if (localV) {
          const pruned = pruneLocalValues(probs, nVis, p.localVPruning.keepFraction, counted ? this.topK : this.replayTopK);
          values = pruned.kept;
          if (counted) localRounds.push(pruned.result.roundSizes);
        }
        weightedValues(probs, this.aliveKeys, nVis, vSrc, kBase, D, this.row.acc, out, qOff);
        if (!counted) continue;
        this.heads.accumulate(h, out, qOff, D);
        this.recorder.countRow(layer, h, maxMsb);
        if (maxMsb > maxProbability) maxProbability = maxMsb;
        if (refetch) refetched++;
        attentionFlops += qkFlops(D, nVis) * (refetch ? 2 : 1) + pvFlops(D, values);
        rows++;
        visibleSum += nVis;
        valuesSum += values;
      }
      this.pushTraceRow({ step: traceStep, layer, head: h, headDim: D, Lk, rows, nAlive, refetched, maxProbability, localV: localV ? { visibleSum, valuesSum, rounds: localRounds } : null });
    }

    let kvHeadsAlive = 0;
    for (let g = 0; g < Hkv; g++) kvHeadsAlive += kvAlive[g];
    this.end(call, { traceStep, replayBelow, tokensIn, nAlive }, headsAlive, kvHeadsAlive, attentionFlops);
    return out;
  }

  /** The core as a kernel-path core: the engine hands runWithKernel() an AttentionKernel. */
  get kernelPath(): KernelPathCore {
    return this;
  }

  /**
   * As run(), with the arithmetic of the alive heads, rows and keys in `kernel` and only the
   * decisions here. Calls the kernel cannot express fall back to run(): local V pruning (its
   * per-row top-k and measured rounds need every row's probabilities) and decode steps that
   * re-run a prefix (rows computed again but not counted); small decode steps run there too.
   */
  async runWithKernel(call: AttentionCoreCall, kernel: AttentionKernel): Promise<Float32Array> {
    if (this.localVApplies(call.step)) return this.run(call);
    if (call.shape.queryLen === 1 && call.shape.heads * call.shape.keyLen < KERNEL_MIN_DECODE_SCORES) return this.run(call);
    const replayFrom = this.dims.mode === 'generation' && call.step >= 0 ? this.computedUpTo[call.layer] : 0;
    for (let i = 0; i < call.queryPositions.length; i++) if (call.queryPositions[i] < replayFrom) return this.run(call);
    const b = this.begin(call);
    const { layer } = call;
    const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk } = call.shape;
    const nAlive = b.nAlive;
    const heads: number[] = [];
    for (let h = 0; h < H; h++) if (this.heads.isAlive(h, layer)) heads.push(h);
    const rows: number[] = [];
    for (let i = 0; i < Lq; i++) if (this.tokens.isAlive(call.queryPositions[i], layer)) rows.push(i);
    const m = heads.length;
    const r = rows.length;
    const keys = this.aliveKeys.slice(0, nAlive);
    // Visible alive keys per row: all, or (causal) those at positions <= the row's.
    const nVis = Int32Array.from(rows, (i) => (call.causal ? upperBound(keys, nAlive, call.queryPositions[i]) : nAlive));
    const out = new Float32Array(H * Lq * D);
    let res: KernelResult | null = null;
    if (m > 0 && r > 0 && nAlive > 0) {
      res = await kernel.run({
        shape: call.shape,
        q: call.q,
        k: call.k,
        v: call.v,
        mask: call.mask,
        scale: call.scale,
        heads: Int32Array.from(heads),
        kvOf: Int32Array.from(heads, (h) => Math.floor((h * Hkv) / H)),
        rows: Int32Array.from(rows),
        rowLimit: Float64Array.from(rows, (i) => (call.causal ? call.queryPositions[i] : Infinity)),
        keys,
        quantization: this.policy.quantization,
      });
      // The kernel's [m, r, n] work runs in ORT; here only vectors of m * r and n values.
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
      this.importance.addColumnSums(sums, seen, Lk);
    }
    const kvAlive = new Uint8Array(Hkv);
    let attentionFlops = 0;
    for (let a = 0; a < m; a++) {
      const h = heads[a];
      kvAlive[Math.floor((h * Hkv) / H)] = 1;
      let maxProbability = 0;
      let refetched = 0;
      for (let x = 0; x < r; x++) {
        const i = rows[x];
        const at = a * r + x;
        // No alive key (never for a row whose own token is alive): no distribution, output 0.
        if (!res) {
          this.recorder.countRow(layer, h, 0);
          continue;
        }
        out.set(res.context.subarray(at * D, (at + 1) * D), (h * Lq + i) * D);
        const maxFirst = res.maxFirst[at];
        const refetch = res.refetched[at] === 1;
        if (refetch) {
          this.recorder.countRefetch({ step: b.traceStep, layer, head: h, query: call.queryPositions[i], maxProbBefore: maxFirst, maxProbAfter: res.maxAfter[at] });
          refetched++;
        }
        this.heads.accumulateSum(h, res.rowAbsSum[at]);
        this.recorder.countRow(layer, h, maxFirst);
        if (maxFirst > maxProbability) maxProbability = maxFirst;
        attentionFlops += qkFlops(D, nVis[x]) * (refetch ? 2 : 1) + pvFlops(D, nVis[x]);
      }
      this.pushTraceRow({ step: b.traceStep, layer, head: h, headDim: D, Lk, rows: r, nAlive, refetched, maxProbability, localV: null });
    }
    let kvHeadsAlive = 0;
    for (let g = 0; g < Hkv; g++) kvHeadsAlive += kvAlive[g];
    this.end(call, b, m, kvHeadsAlive, attentionFlops);
    return out;
  }

  /** After a call's heads: the head top-k and (encoder) token top-k for the next layer, the layer step. */
  private end(call: AttentionCoreCall, b: { traceStep: number; replayBelow: number; tokensIn: number; nAlive: number }, headsAlive: number, kvHeadsAlive: number, attentionFlops: number): void {
    const { layer, step } = call;
    const Lk = call.shape.keyLen;
    const p = this.policy;
    const generation = this.dims.mode === 'generation';
    const decide = !generation || step >= 0;
    let headTopK: TopKCall | undefined;
    if (p.headPruning.enabled && decide && layer + 1 < this.dims.layers) {
      const r = this.heads.decideAfter(layer, this.headKeep[layer + 1], this.topK);
      if (r) headTopK = { n: r.candidates, k: r.result.kept.length, roundSizes: r.result.roundSizes };
    }
    let tokensKept = b.nAlive;
    if (!generation && p.tokenPruning.enabled && layer + 1 < this.dims.layers) {
      // Encoder: the top-k after this layer decides what the next layer sees.
      const picked = this.pruneTokens(layer + 1, Lk, b.nAlive, -1);
      if (picked && this.recorder.lastRow) this.recorder.lastRow.tokenTopK = picked;
      tokensKept = this.tokens.countAlive(layer + 1, Lk);
    }
    this.finishLayer(call.queryPositions, b.replayBelow, { step: b.traceStep, layer, Lk, causal: call.causal, tokensIn: b.tokensIn, tokensKept, nAlive: b.nAlive, headsAlive, kvHeadsAlive, headTopK, attentionFlops });
  }

  /** One trace row per head: what the head fetched and computed in this call. */
  private pushTraceRow(r: {
    step: number;
    layer: number;
    head: number;
    headDim: number;
    Lk: number;
    rows: number;
    nAlive: number;
    refetched: number;
    maxProbability: number;
    localV: { visibleSum: number; valuesSum: number; rounds: number[][] } | null;
  }): void {
    const p = this.policy;
    const { rows, nAlive, localV } = r;
    // DRAM view (authors' key_fetch_num): every alive key is fetched once into the K SRAM and
    // reused by the row's queries (a causal prompt masks some of them per query; the datapath
    // still streams them). Local V pruning picks V rows per query: the mean over the queries.
    const keysFetched = rows > 0 ? nAlive : 0;
    const valuesFetched = rows === 0 ? 0 : localV ? Math.round(localV.valuesSum / rows) : nAlive;
    const traceRow: TraceRow = {
      step: r.step,
      layer: r.layer,
      head: r.head,
      headDim: r.headDim,
      sentenceLength: r.Lk,
      queries: rows,
      keysFetched,
      valuesFetched,
      ...this.bits,
      refetchedQueries: r.refetched,
      accumulateImportance: p.tokenPruning.enabled,
      rescaleImportance: p.tokenPruning.enabled && p.tokenPruning.scoring === 'average',
      maxProbability: r.maxProbability,
    };
    if (localV && rows > 0) {
      traceRow.localVTopK = { n: Math.round(localV.visibleSum / rows), k: valuesFetched, roundSizes: medianWork(localV.rounds) };
    }
    this.recorder.rows.push(traceRow);
    this.recorder.lastRow = traceRow;
  }

  /** After a layer's heads: importance and kept-token snapshots, the layer step, positions computed. */
  private finishLayer(
    queryPositions: Int32Array,
    replayBelow: number,
    l: { step: number; layer: number; Lk: number; causal: boolean; tokensIn: number; tokensKept: number; nAlive: number; headsAlive: number; kvHeadsAlive: number; headTopK: TopKCall | undefined; attentionFlops: number },
  ): void {
    const { layer, Lk, nAlive, headsAlive, kvHeadsAlive } = l;
    const { heads: H, kvHeads: Hkv, headDim: D } = this.dims;
    this.importance.scoresInto(this.scores, Lk, this.policy.tokenPruning.scoring);
    this.recorder.snapshotLayer(layer, this.scores, Lk, this.aliveKeys, nAlive, this.heads.importance);
    const Lq = queryPositions.length;
    let aliveQueries = 0;
    let newQueries = 0;
    let denseAttention = 0;
    for (let i = 0; i < Lq; i++) {
      const pos = queryPositions[i];
      if (pos < replayBelow) continue;
      newQueries++;
      if (this.tokens.isAlive(pos, layer)) aliveQueries++;
      const visible = l.causal ? pos + 1 : Lk;
      denseAttention += H * (qkFlops(D, visible) + pvFlops(D, visible));
    }
    this.recorder.layerSteps.push({
      step: l.step,
      layer,
      tokensIn: l.tokensIn,
      tokensKept: l.tokensKept,
      headsKept: headsAlive,
      keptTokens: Array.from(this.aliveKeys.subarray(0, nAlive)),
      ...(l.headTopK ? { headTopK: l.headTopK } : {}),
      attentionFlops: l.attentionFlops,
      denseAttentionFlops: denseAttention,
      fcFlops: aliveQueries * fcFlopsPerToken(this.dims, headsAlive, kvHeadsAlive),
      denseFcFlops: newQueries * fcFlopsPerToken(this.dims, H, Hkv),
    });
    for (let i = 0; i < Lq; i++) this.computedUpTo[layer] = Math.max(this.computedUpTo[layer], queryPositions[i] + 1);
  }

  /**
   * The core as a dense-pass observer when its policy changes nothing (every technique off): the
   * engine then runs the unmodified graph and hands over each layer's probability statistics.
   */
  get densePass(): DensePassObserver | undefined {
    return isDensePolicy(this.policy) ? this : undefined;
  }

  /**
   * What run() records for a full pass (step -1) under a dense policy, from the graph's own
   * probabilities: every token and head alive, rows counted in order, importance per key.
   */
  recordDenseLayer(s: DenseLayerStats): void {
    if (!isDensePolicy(this.policy)) throw new InputError(`policy ${this.policy.name}`, 'only a policy with every technique off can record a dense pass');
    const { layer, heads: H, queryLen: Lq, keyLen: Lk, causal } = s;
    const where = `dense pass, layer ${layer}`;
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.dims.layers) throw new InputError(where, `layer must be an integer in [0, ${this.dims.layers})`);
    if (H !== this.dims.heads) throw new InputError(where, `${H} heads, the core was built for ${this.dims.heads}`);
    if (Lq !== Lk) throw new InputError(where, `${Lq} query rows over ${Lk} keys: a full pass has one row per key`);
    const D = this.dims.headDim;
    const traceStep = this.dims.mode === 'generation' ? -1 : 0;
    this.ensureScratch(Lk);
    this.contextByStep.set(-1, Lk);
    const tokensIn = this.tokens.countAlive(layer, Lk);
    const nAlive = this.tokens.aliveTokens(layer, Lk, this.aliveKeys);
    if (nAlive !== Lk) throw new InputError(where, `${nAlive} of ${Lk} tokens alive under a dense policy`);
    // Rows that saw key j: all of them, or (causal) those at positions >= j.
    const seen = new Float64Array(Lk);
    for (let j = 0; j < Lk; j++) seen[j] = H * (causal ? Lq - j : Lq);
    this.importance.addColumnSums(s.importance, seen, Lk);
    let attentionFlops = 0;
    for (let h = 0; h < H; h++) {
      let maxProbability = 0;
      for (let i = 0; i < Lq; i++) {
        // A row whose scores are all -Infinity has no distribution (ORT: NaN); run() reads 0.
        const m = s.rowMax[h * Lq + i];
        const maxProb = Number.isNaN(m) ? 0 : m;
        const nVis = causal ? i + 1 : Lk;
        this.heads.accumulateSum(h, s.rowAbsSum[h * Lq + i]);
        this.recorder.countRow(layer, h, maxProb);
        if (maxProb > maxProbability) maxProbability = maxProb;
        attentionFlops += qkFlops(D, nVis) + pvFlops(D, nVis);
      }
      this.pushTraceRow({ step: traceStep, layer, head: h, headDim: D, Lk, rows: Lq, nAlive, refetched: 0, maxProbability, localV: null });
    }
    const positions = Int32Array.from({ length: Lq }, (_, i) => i);
    this.finishLayer(positions, 0, { step: traceStep, layer, Lk, causal, tokensIn, tokensKept: nAlive, nAlive, headsAlive: H, kvHeadsAlive: this.dims.kvHeads, headTopK: undefined, attentionFlops });
  }

  /** Top-k over tokens alive before `layer`, keeping the schedule's count for `layer`. */
  private pruneTokens(layer: number, Lk: number, available: number, step: number): TopKCall | null {
    const tp = this.policy.tokenPruning;
    const base = tp.keepBase === 'context' ? Lk : tp.keepBase;
    const keep = keepCount(this.tokenKeep[layer], base, available);
    this.importance.scoresInto(this.scores, Lk, tp.scoring);
    const flags = this.protectedFlags;
    const r = this.tokens.prune(layer, Lk, keep, this.scores, (j) => flags[j] === 1, this.topK, step);
    return r ? { n: r.candidates, k: r.result.kept.length, roundSizes: r.result.roundSizes } : null;
  }

  private markProtected(call: AttentionCoreCall, replayBelow: number): void {
    const Lk = call.shape.keyLen;
    const flags = this.protectedFlags;
    flags.fill(0, 0, Lk);
    const prot = this.policy.tokenPruning.protect;
    for (const j of this.dims.protectedPositions) if (j >= 0 && j < Lk) flags[j] = 1;
    for (const j of prot.positions) if (j >= 0 && j < Lk) flags[j] = 1;
    flags.fill(1, 0, Math.min(Lk, prot.sinkTokens));
    flags.fill(1, Math.max(0, Lk - prot.recentTokens), Lk);
    // The token being generated attends to itself: it cannot be pruned in its own step.
    if (this.dims.mode === 'generation' && call.step >= 0) for (const j of call.queryPositions) if (j >= replayBelow) flags[j] = 1;
  }

  private ensureScratch(Lk: number): void {
    this.importance.ensure(Lk);
    this.tokens.ensure(Lk);
    if (this.aliveKeys.length < Lk) {
      const cap = Math.max(Lk, this.aliveKeys.length * 2);
      this.aliveKeys = new Int32Array(cap);
      this.scores = new Float64Array(cap);
      this.protectedFlags = new Uint8Array(cap);
    }
    this.row.ensure(Lk, this.dims.headDim);
  }

  // ---- read-back for the profile pipeline ----

  /** The workload as the hardware model consumes it. */
  trace(name = this.policy.name): Trace {
    const d = this.dims;
    return {
      version: 1,
      source: { kind: 'engine', name },
      mode: d.mode,
      model: { name: d.modelName ?? 'model', layers: d.layers, heads: d.heads, kvHeads: d.kvHeads, headDim: d.headDim, hiddenSize: d.hiddenSize },
      unquantizedBits: 32, // unquantized tensors stay float32 in the functional model
      rows: this.recorder.rows,
      layerSteps: this.recorder.layerSteps,
    };
  }

  /** What the model observed on the current input, as data (spatten/observations.ts). */
  observations(): SpattenObservations {
    const q = this.policy.quantization;
    return {
      layers: this.dims.layers,
      heads: this.dims.heads,
      tokenImportanceByLayer: this.recorder.tokenImportance.map((s) => (s ? Array.from(s) : [])),
      keptTokensByLayer: this.recorder.keptTokens.map((s) => (s ? Array.from(s) : [])),
      tokenPrunedAtLayer: this.tokens.prunedAtLayer(),
      tokenPrunedAtStep: this.tokens.prunedAtStep(),
      tokenPruneEvents: this.tokens.pruneEvents(),
      contextByStep: [...this.contextByStep.entries()],
      headImportanceByLayer: this.recorder.headImportance.map((s) => (s ? Array.from(s) : [])),
      headPrunedAtLayer: this.heads.prunedAtLayer(),
      refetch: this.recorder.refetchReport(q.mode === 'progressive' ? q.threshold : -1),
    };
  }

  /** Positions in [0, contextLength) the policy and model never prune (sinks, recent, [CLS]/BOS, given positions). */
  protectedPositions(contextLength: number): number[] {
    const prot = this.policy.tokenPruning.protect;
    const fixed = new Set([...this.dims.protectedPositions, ...prot.positions]);
    const out: number[] = [];
    for (let j = 0; j < contextLength; j++) {
      if (fixed.has(j) || j < prot.sinkTokens || j >= contextLength - prot.recentTokens) out.push(j);
    }
    return out;
  }

  /** Forgets everything about the previous input (importance, pruning, trace); keeps the policy. */
  resetForNewInput(): void {
    this.importance.reset();
    this.tokens = new CascadeTokenPruning(this.dims.layers);
    this.heads = new CascadeHeadPruning(this.dims.layers, this.dims.heads);
    this.topK = new QuickSelectTopK(seededRandom(this.policy.topK.seed));
    this.replayTopK = new QuickSelectTopK(seededRandom(this.policy.topK.seed ^ 0x5bd1e995));
    this.recorder = new SpattenRecorder(this.dims.layers, this.dims.heads);
    this.contextByStep.clear();
    this.computedUpTo.fill(0);
    this.operands.reset();
  }
}

/**
 * Creates the core for a policy (preset name, JSON object, or a SpattenPolicy) and model dimensions.
 * Objects are always validated (resolving a complete SpattenPolicy returns an equal policy), so a
 * hand-edited object cannot bypass the schema.
 */
export function createSpattenCore(policy: SpattenPolicy | string | Record<string, unknown>, dims: SpattenCoreDims): SpattenAttentionCore {
  return new SpattenAttentionCore(resolvePolicy(policy as string | Record<string, unknown>), dims);
}

/** Number of keys[0..n) (ascending) that are <= pos. */
function upperBound(keys: Int32Array, n: number, pos: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rounds of the call with the median total work (exact for one query row; representative for many). */
function medianWork(rounds: number[][]): number[] {
  if (rounds.length === 1) return rounds[0];
  const work = rounds.map((r, i) => [r.reduce((a, b) => a + b, 0), i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return rounds[work[Math.floor(work.length / 2)][1]];
}
