// The SpAtten core's state between calls and the bookkeeping every attention path shares: the
// cascade token and head pruning state, cumulative token importance, the top-k engines (their
// seeded pivots make the measured rounds reproducible), quantized K/V planes, and the recorder
// that becomes the Trace and the observations. The paths that compute a call (the TypeScript
// loops, the onnxruntime kernel, the dense-pass record) read and advance this state through
// begin() before a call's heads and end() after them.
import type { AttentionCoreCall } from '../runtime/attentionCore';
import type { TopKCall, TraceRow } from '../trace/trace';
import { AttentionRowScratch } from './attentionRow';
import { CascadeHeadPruning } from './cascadeHeadPruning';
import { CascadeTokenPruning } from './cascadeTokenPruning';
import { fcFlopsPerToken, pvFlops, qkFlops } from './flops';
import type { SpattenPolicy } from './policy';
import { headKeepCounts, keepCount, tokenKeepFractions } from './pruningSchedule';
import { QuantizedOperands } from './quantizedOperands';
import { QuickSelectTopK } from './quickSelectTopK';
import { seededRandom } from '../seededRandom';
import { SpattenRecorder } from './spattenRecorder';
import type { SpattenCoreDims } from './spattenAttentionCore';
import { TokenImportance } from './tokenImportance';
import { validateCoreCall } from './validateCoreCall';

/** What begin() decided for a call, handed on to end(). */
export interface CallStart {
  traceStep: number;
  /** Positions below this were computed by an earlier call (a decode step re-running its prefix). */
  replayBelow: number;
  tokensIn: number;
  /** Alive keys (in aliveKeys[0..nAlive)). */
  nAlive: number;
}

export class SpattenCoreState {
  readonly tokenKeep: Float64Array;
  readonly headKeep: Int32Array;
  readonly importance = new TokenImportance();
  tokens: CascadeTokenPruning;
  heads: CascadeHeadPruning;
  topK: QuickSelectTopK;
  /** Pivots for recomputed (replayed) rows, so they do not shift the main sequence's rounds. */
  replayTopK: QuickSelectTopK;
  recorder: SpattenRecorder;
  readonly row = new AttentionRowScratch();
  aliveKeys = new Int32Array(0);
  scores = new Float64Array(0);
  protectedFlags = new Uint8Array(0);
  readonly operands: QuantizedOperands;
  /** [layer] positions computed by earlier calls (a decode step that re-runs the prefix recomputes them silently). */
  computedUpTo: Int32Array;
  /** Context length (keys) of each step seen, for keptTokensAt. */
  readonly contextByStep = new Map<number, number>();
  readonly bits: Pick<TraceRow, 'keyBits' | 'valueBits' | 'queryBits' | 'requantThreshold' | 'lsbBits'>;

  constructor(
    readonly policy: SpattenPolicy,
    readonly dims: SpattenCoreDims,
  ) {
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
  begin(call: AttentionCoreCall): CallStart {
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
  localVApplies(step: number): boolean {
    const lv = this.policy.localVPruning;
    return lv.enabled && (this.dims.mode !== 'generation' || step >= 0 || lv.inPromptPass);
  }

  /** After a call's heads: the head top-k and (encoder) token top-k for the next layer, the layer step. */
  end(call: AttentionCoreCall, b: CallStart, headsAlive: number, kvHeadsAlive: number, attentionFlops: number): void {
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
  pushTraceRow(r: {
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
  finishLayer(
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

  /** Top-k over tokens alive before `layer`, keeping the schedule's count for `layer`. */
  pruneTokens(layer: number, Lk: number, available: number, step: number): TopKCall | null {
    const tp = this.policy.tokenPruning;
    const base = tp.keepBase === 'context' ? Lk : tp.keepBase;
    const keep = keepCount(this.tokenKeep[layer], base, available);
    this.importance.scoresInto(this.scores, Lk, tp.scoring);
    const flags = this.protectedFlags;
    const r = this.tokens.prune(layer, Lk, keep, this.scores, (j) => flags[j] === 1, this.topK, step);
    return r ? { n: r.candidates, k: r.result.kept.length, roundSizes: r.result.roundSizes } : null;
  }

  markProtected(call: AttentionCoreCall, replayBelow: number): void {
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

  ensureScratch(Lk: number): void {
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

  /** Forgets everything about the previous input (importance, pruning, trace); keeps the policy. */
  reset(): void {
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

export /** Number of keys[0..n) (ascending) that are <= pos. */
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
