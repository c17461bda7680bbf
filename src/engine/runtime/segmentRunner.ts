// Runs one pass of the cut graph: ORT runs segment i, the engine computes attention core i, and so
// on. What happens at a core depends on the pass:
// - 'full': every token at once (encoder, prompt, or the reference path), the graph's masks apply;
//   K/V of all tokens are written to the cache when there is one.
// - 'decode': one new token; its K/V are appended to the engine-owned cache and the core sees the
//   cached keys; the graph's masks were not computed (batch 1, no padding: only causal applies).
// - 'prefix': fallback for graphs that derive positions or masks from the sequence length: the
//   segments re-run the whole prefix, but the core computes only the last query row; earlier
//   rows' contexts come from the previous steps, so the core sees exactly the calls of 'decode'.

import * as ort from 'onnxruntime-node';
import type { onnx } from 'onnx-proto';
import { InputError, throwIfAborted } from '../errors';
import type { DiscoveredCore } from '../model/attentionCore';
import type { ModelDims } from '../model/modelDims';
import { encodeReferencingSources, withModelFolder, type InitializerSources } from '../onnx/initializerSources';
import type { AttentionCore, AttentionCoreCall } from './attentionCore';
import type { AttentionKernel } from '../spatten/attentionKernel';
import { coreMask, type CoreMask } from './coreMask';
import type { CoreTensors, TensorSource } from './coreTensors';
import { contextTensor, readCoreTensors } from './coreTensors';
import { LayerKvCache } from './kvCache';
import { createOrtSession, ortFailure, SEGMENT_SESSION_DEFAULTS } from './ortEnvironment';
import { coreReads, type SegmentPlan } from './segmentPlan';

export type PassKind = 'full' | 'decode' | 'prefix';

export interface PassState {
  /** Per layer: the KV cache (decode) or null before the prompt pass. */
  kv: (LayerKvCache | null)[];
  /**
   * Per layer: contexts of earlier positions, [positions][H * D] flattened ('prefix' passes); a
   * full pass leaves its [H, L, D] context, split into rows only if a prefix pass needs them.
   */
  contexts: (Float32Array[] | { ctx: Float32Array; H: number; L: number; D: number })[];
  /** Runtime notes per layer (mask contradictions), deduplicated by the session. */
  notes: Set<string>;
  /**
   * Whether decode or prefix steps may follow this pass, so a full pass keeps each layer's K, V and
   * context. An encoder pass keeps none: each layer's tensors are released as soon as the next
   * layer no longer needs them (K, V and context are 3 MB a layer at 512 tokens of the 6-layer
   * bench encoder: 8 heads x 512 x 64 floats each).
   */
  stepsFollow: boolean;
}

export function newPassState(layers: number, stepsFollow = true): PassState {
  return { kv: new Array(layers).fill(null), contexts: Array.from({ length: layers }, () => []), notes: new Set(), stepsFollow };
}

/** Where the model's weights lie on disk (LoadedModel): segments then reference them instead of carrying copies. */
export interface ModelWeightFiles {
  /** The model's folder, which every source location is relative to. */
  dir: string;
  sources: InitializerSources;
}

/** The head geometry a core's tensors showed at run time: ModelDims' head fields. */
export type ObservedCoreShape = Pick<ModelDims, 'heads' | 'kvHeads' | 'headDim'>;

export class SegmentRunner {
  /** Per layer, the geometry seen at run time (discovery cannot read dynamic reshape targets). */
  readonly observed = new Map<number, ObservedCoreShape>();
  /** Wall time spent in ORT segment runs and in the engine's cores (tensor reads, mask, core, context), ms. */
  readonly timings = { segmentMs: 0, coreMs: 0 };
  /** lastUses() for the cores it was computed for. */
  private drops: { cores: DiscoveredCore[]; names: string[][] } | null = null;

  private constructor(
    readonly plan: SegmentPlan,
    private readonly sessions: ort.InferenceSession[],
  ) {}

  /**
   * One session per segment. With `weights`, a segment's proto names the model's files for its
   * weights (ORT reads them from disk): no weight is copied through a protobuf encode, and a
   * segment holding more than 2 GB of weights still loads.
   */
  static async create(plan: SegmentPlan, options: ort.InferenceSession.SessionOptions, weights?: ModelWeightFiles): Promise<SegmentRunner> {
    const sessions: ort.InferenceSession[] = [];
    const defaults = weights ? withModelFolder(SEGMENT_SESSION_DEFAULTS, weights.dir) : SEGMENT_SESSION_DEFAULTS;
    for (const s of plan.segments) {
      try {
        sessions.push(await createOrtSession(encodeReferencingSources(s.proto as onnx.IModelProto, weights?.sources ?? new Map()), { ...defaults, ...options }));
      } catch (e) {
        for (const created of sessions) await created.release();
        // Also a segment over the 2 GB protobuf limit (e.g. a huge embedding table) ends here.
        throw ortFailure(`segment ${s.index}`, 'onnxruntime refused the extracted subgraph', e);
      }
    }
    return new SegmentRunner(plan, sessions);
  }

  async release(): Promise<void> {
    for (const s of this.sessions) await s.release();
  }

  /**
   * One pass. `positions` are the key indices of the tokens fed; returns the tensor store
   * (graph outputs included). `step` is passed to the core (-1 full passes).
   */
  async run(
    cores: DiscoveredCore[],
    feeds: Record<string, ort.Tensor>,
    positions: Int32Array,
    kind: PassKind,
    step: number,
    core: AttentionCore,
    state: PassState,
    signal?: AbortSignal,
    kernel?: AttentionKernel,
  ): Promise<Map<string, ort.Tensor>> {
    const store = new Map<string, ort.Tensor>(Object.entries(feeds));
    const src = { store, constants: this.plan.constants };
    const drops = this.lastUses(cores);
    const masks = new Map<string, CoreMask>();
    let segIdx = 0;
    for (let stage = 0; stage <= cores.length; stage++) {
      const seg = this.plan.segments[segIdx];
      if (seg && seg.index === stage) {
        throwIfAborted(signal);
        const inputs: Record<string, ort.Tensor> = {};
        for (const name of seg.inputs) {
          const t = store.get(name);
          if (!t) throw new InputError(`segment ${stage}`, `input '${name}' was not produced (is it a graph input the engine does not feed?)`);
          inputs[name] = t;
        }
        const t0 = performance.now();
        let out: ort.InferenceSession.ReturnType;
        try {
          out = await this.sessions[segIdx].run(inputs);
        } catch (e) {
          // e.g. a position past the model's table: the model's limit, reported, not a crash.
          throw ortFailure(`segment ${stage} of ${this.plan.segments.length}`, 'onnxruntime failed', e);
        }
        this.timings.segmentMs += performance.now() - t0;
        for (const [k, v] of Object.entries(out)) store.set(k, v);
        segIdx++;
      }
      if (stage === cores.length) break;
      throwIfAborted(signal);
      const t0 = performance.now();
      await this.runCore(cores[stage], src, masks, positions, kind, step, core, state, kernel);
      this.timings.coreMs += performance.now() - t0;
      // Nothing later reads these: dropping them lets the GC take a layer's Q, K, V and masks back
      // while the pass goes on (a pass would otherwise hold every layer's at once).
      for (const name of drops[stage]) store.delete(name);
    }
    return store;
  }

  /**
   * Per stage, the store tensors nothing reads after it: stage s runs segment s (if any), then core
   * s, so a tensor last read by segment s or core s goes at the end of stage s. Model outputs stay.
   */
  private lastUses(cores: DiscoveredCore[]): string[][] {
    if (this.drops?.cores === cores) return this.drops.names;
    const last = new Map<string, number>();
    const read = (name: string, stage: number) => last.set(name, Math.max(last.get(name) ?? -1, stage));
    for (const seg of this.plan.segments) for (const name of seg.inputs) read(name, seg.index);
    cores.forEach((c, i) => {
      for (const name of coreReads(c, true)) read(name, i);
    });
    for (const name of this.plan.finalOutputs) read(name, Infinity);
    const names: string[][] = cores.map(() => []);
    for (const [name, stage] of last) if (stage < cores.length) names[stage].push(name);
    this.drops = { cores, names };
    return names;
  }

  private async runCore(
    dc: DiscoveredCore,
    src: { store: Map<string, ort.Tensor>; constants: SegmentPlan['constants'] },
    masks: Map<string, CoreMask>,
    positions: Int32Array,
    kind: PassKind,
    step: number,
    core: AttentionCore,
    state: PassState,
    kernel: AttentionKernel | undefined,
  ): Promise<void> {
    const invoke = (call: AttentionCoreCall, expected: number, where: string) => this.invoke(core, call, expected, where, kernel);
    const layer = dc.layer;
    const t = readCoreTensors(dc, src, positions);
    const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq } = t;
    if (!this.observed.has(layer)) this.observed.set(layer, { heads: H, kvHeads: Hkv, headDim: D });
    const where = `attention core ${layer} (${dc.anchor})`;
    let call: AttentionCoreCall;
    if (kind === 'decode') {
      const cache = state.kv[layer];
      if (!cache) throw new InputError(where, 'decode step before the prompt pass');
      const cachedKeys = cache.length;
      cache.append(t.k, t.v, t.newKeys);
      const { k, v, stride } = cache.storage();
      const m = passMask(masks, dc, src, Lq, cache.length, D, positions, false);
      call = { ...this.call(layer, step, t, cache.length, k, v, m.scale, null, m.causal, positions), cachedKeys, kvStride: stride };
    } else {
      const Lk = t.newKeys;
      const full = Int32Array.from({ length: Lq }, (_, i) => (kind === 'prefix' || i >= positions.length ? i : positions[i]));
      const m = passMask(masks, dc, src, Lq, Lk, D, full, true);
      if (m.note) state.notes.add(`layer ${layer}: ${m.note}`);
      if (kind === 'full') {
        // The cache copies these rows only when a decode step appends.
        if (state.stepsFollow) state.kv[layer] = LayerKvCache.deferred(Hkv, D, t.k, t.v, Lk);
        call = this.call(layer, step, t, Lk, t.k, t.v, m.scale, m.mask, m.causal, full);
        const ctx = await invoke(call, H * Lq * D, where);
        if (state.stepsFollow) state.contexts[layer] = { ctx, H, L: Lq, D };
        src.store.set(dc.context.name, contextTensor(dc, ctx, t));
        return;
      }
      // 'prefix': only the last query row goes to the core.
      const last = Lq - 1;
      const qRow = new Float32Array(H * D);
      for (let h = 0; h < H; h++) qRow.set(t.q.subarray((h * Lq + last) * D, (h * Lq + last + 1) * D), h * D);
      const maskRow = m.mask ? m.mask.slice(last * Lk, (last + 1) * Lk) : null;
      const rowT: CoreTensors = { ...t, q: qRow, queryLen: 1 };
      call = this.call(layer, step, rowT, Lk, t.k, t.v, m.scale, maskRow, m.causal, Int32Array.of(last));
      const row = await invoke(call, H * D, where);
      const rows = contextRows(state, layer);
      if (rows.length !== last) throw new InputError(where, `prefix pass at position ${last} but ${rows.length} earlier contexts are cached`);
      rows.push(row.slice());
      const ctx = new Float32Array(H * Lq * D);
      for (let p = 0; p < Lq; p++) for (let h = 0; h < H; h++) ctx.set(rows[p].subarray(h * D, (h + 1) * D), (h * Lq + p) * D);
      src.store.set(dc.context.name, contextTensor(dc, ctx, t));
      return;
    }
    // A generation's decode steps are all 'decode' or all 'prefix' (EngineSession decides once),
    // so the per-position context rows that 'prefix' passes keep are never read here.
    const ctx = await invoke(call, H * Lq * D, where);
    src.store.set(dc.context.name, contextTensor(dc, ctx, t));
  }

  private call(layer: number, step: number, t: CoreTensors, keyLen: number, k: Float32Array, v: Float32Array, scale: number, mask: Float32Array | null, causal: boolean, queryPositions: Int32Array): AttentionCoreCall {
    return {
      layer,
      step,
      shape: { heads: t.heads, kvHeads: t.kvHeads, headDim: t.headDim, queryLen: t.queryLen, keyLen },
      q: t.q,
      k,
      v,
      scale,
      mask,
      causal,
      queryPositions,
      precision: t.elemType,
    };
  }

  /** The core's context for `call`: through the kernel when the core takes one, else run(). */
  private async invoke(core: AttentionCore, call: AttentionCoreCall, expected: number, where: string, kernel: AttentionKernel | undefined): Promise<Float32Array> {
    const ctx = kernel && core.kernelPath ? await core.kernelPath.runWithKernel(call, kernel) : core.run(call);
    if (!(ctx instanceof Float32Array) || ctx.length !== expected) {
      throw new InputError(where, `attention core returned ${ctx?.length ?? 'nothing'} values, expected [H, Lq, D] = ${expected}`);
    }
    return ctx;
  }
}

/**
 * The core's scale and mask, computed once per pass for every core that folds the same mask steps
 * over the same tensors (a BERT or GPT-2 graph feeds one extended mask to every layer): folding
 * an [Lq, Lk] mask costs as much as a layer's attention kernel at 512 tokens. Tensor names are
 * single-assignment values of the graph, so within one pass (one `masks` map) a name is one
 * tensor. The returned mask is shared between cores: cores only read it.
 */
function passMask(masks: Map<string, CoreMask>, dc: DiscoveredCore, src: TensorSource, Lq: number, Lk: number, D: number, positions: Int32Array, withMasks: boolean): CoreMask {
  const key = JSON.stringify([dc.maskSteps, dc.operandScale, dc.causal, dc.fused ?? null, dc.scale ?? null, Lq, Lk, D, withMasks, Array.from(positions)]);
  let m = masks.get(key);
  if (!m) {
    m = coreMask(dc, src, Lq, Lk, D, positions, withMasks);
    masks.set(key, m);
  }
  return m;
}

/** The layer's per-position context rows, split out of a full pass's context on first use. */
function contextRows(state: PassState, layer: number): Float32Array[] {
  const c = state.contexts[layer];
  if (Array.isArray(c)) return c;
  const rows = rowsByPosition(c.ctx, c.H, c.L, c.D);
  state.contexts[layer] = rows;
  return rows;
}

/** [H, L, D] -> per position, [H * D] rows (the layout 'prefix' passes keep). */
function rowsByPosition(ctx: Float32Array, H: number, L: number, D: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let p = 0; p < L; p++) {
    const r = new Float32Array(H * D);
    for (let h = 0; h < H; h++) r.set(ctx.subarray((h * L + p) * D, (h * L + p + 1) * D), h * D);
    rows.push(r);
  }
  return rows;
}
