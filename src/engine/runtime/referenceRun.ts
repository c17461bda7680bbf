// The dense reference: a plain onnxruntime run of the unmodified model, and a variant that also
// returns every plain core's attention probabilities (Softmax outputs added as graph outputs, with
// graph optimizations off so ORT cannot fuse them away).

import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { InputError, throwIfAborted } from '../errors';
import type { DiscoveredTransformer } from '../model/transformerDiscovery';
import { encodeModel } from '../onnx/graphBuilder';
import { inferElemTypes } from './elemTypes';
import type { ModelInput } from './modelInputs';
import { buildFeeds, classifyInputs } from './modelInputs';
import { tensorToF32 } from './ortTensors';
import { createOrtSession, ortFailure } from './ortEnvironment';
import { argmax } from '../numerics';
import { primaryOutput, resultOutputs } from '../model/outputKinds';

export interface ReferenceOutput {
  logits: Float32Array;
  dims: number[];
}

export interface ReferenceWithProbabilities extends ReferenceOutput {
  /** Per layer: [H, Lq, Lk] probabilities, or null for fused cores (no Softmax tensor exists). */
  probabilities: (Float32Array | null)[];
}

async function createSession(proto: onnx.IModelProto, options: ort.InferenceSession.SessionOptions, where: string): Promise<ort.InferenceSession> {
  try {
    return await createOrtSession(encodeModel(proto), options);
  } catch (e) {
    throw ortFailure(where, 'onnxruntime cannot load the model', e);
  }
}

async function createSessionFromFile(file: string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  try {
    return await createOrtSession(file, options);
  } catch (e) {
    throw ortFailure(file, 'onnxruntime cannot load the model', e);
  }
}

export class ReferenceModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputs: ModelInput[],
    readonly logitsName: string,
    /** Every result output (present.* excluded), the primary one among them. */
    readonly resultNames: string[],
    private readonly probabilityNames: (string | null)[],
    private readonly seed: number,
    private readonly given?: Record<string, ort.Tensor>,
    private readonly sequenceLength?: number,
  ) {}

  /**
   * `withProbabilities`: add each plain core's Softmax output as a graph output and disable graph
   * optimizations for this session.
   */
  static async create(
    proto: onnx.IModelProto,
    discovered: DiscoveredTransformer,
    opts: {
      withProbabilities?: boolean;
      sessionOptions?: ort.InferenceSession.SessionOptions;
      seed?: number;
      given?: Record<string, ort.Tensor>;
      sequenceLength?: number;
      /**
       * Load the unmodified model from this file (ORT reads it, and its external data, from disk)
       * instead of re-encoding `proto`: no protobuf copy of the whole model, and no 2 GB limit.
       * The profile always does; `withProbabilities` needs the modified graph and cannot.
       */
      modelPath?: string;
    } = {},
  ): Promise<ReferenceModel> {
    const g = discovered.graph;
    const logitsName = primaryOutput(g) ?? '';
    if (!logitsName) throw new InputError('reference model', 'graph has no output besides present key/values');
    const probabilityNames = discovered.cores.map((c) => (opts.withProbabilities ? c.probabilities : null));
    let runProto = proto;
    let options = opts.sessionOptions ?? {};
    if (opts.withProbabilities) {
      const types = inferElemTypes(g);
      const extra = probabilityNames.filter((n): n is string => n !== null && !g.graphOutputs.includes(n));
      const graph = onnx.GraphProto.create({
        ...proto.graph,
        output: [...(proto.graph?.output ?? []), ...extra.map((name) => ({ name, type: { tensorType: { elemType: types.get(name) ?? onnx.TensorProto.DataType.FLOAT } } }))],
      });
      runProto = onnx.ModelProto.create({ ...proto, graph });
      options = { ...options, graphOptimizationLevel: 'disabled' };
    }
    if (opts.modelPath && opts.withProbabilities) throw new InputError(opts.modelPath, 'attention probabilities cannot be captured from a model loaded by path (over 2 GB)');
    const session = opts.modelPath ? await createSessionFromFile(opts.modelPath, options) : await createSession(runProto, options, 'reference model');
    return new ReferenceModel(session, classifyInputs(g), logitsName, resultOutputs(g), probabilityNames, opts.seed ?? 1234, opts.given, opts.sequenceLength);
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private async runRaw(ids: number[] | null, signal?: AbortSignal): Promise<ort.InferenceSession.ReturnType> {
    throwIfAborted(signal);
    const feeds = buildFeeds(this.inputs, { ids, seed: this.seed, given: this.given, sequenceLength: this.sequenceLength });
    try {
      return await this.session.run(feeds);
    } catch (e) {
      throw ortFailure('reference model', 'onnxruntime failed', e);
    }
  }

  /** Plain run over all tokens (positions 0..n-1, full attention mask). */
  async run(ids: number[] | null, signal?: AbortSignal): Promise<ReferenceOutput> {
    const out = await this.runRaw(ids, signal);
    const t = out[this.logitsName];
    return { logits: tensorToF32(t, this.logitsName).slice(), dims: [...t.dims] };
  }

  /** Plain run, every result output (present.* excluded) by name. */
  async runAll(ids: number[] | null, signal?: AbortSignal): Promise<Map<string, ReferenceOutput>> {
    const out = await this.runRaw(ids, signal);
    const all = new Map<string, ReferenceOutput>();
    for (const name of this.resultNames) {
      const t = out[name];
      if (t) all.set(name, { logits: tensorToF32(t, name).slice(), dims: [...t.dims] });
    }
    return all;
  }

  async runWithProbabilities(ids: number[] | null, signal?: AbortSignal): Promise<ReferenceWithProbabilities> {
    const out = await this.runRaw(ids, signal);
    const t = out[this.logitsName];
    const probabilities = this.probabilityNames.map((n) => (n && out[n] ? tensorToF32(out[n], n).slice() : null));
    return { logits: tensorToF32(t, this.logitsName).slice(), dims: [...t.dims], probabilities };
  }

  /**
   * Greedy generation the way an exported decoder with past runs under plain ORT: the prompt,
   * then one token per step with the previous step's present.* fed back as past_key_values.*.
   * Only for graphs that have past inputs.
   */
  async generateGreedyWithPast(promptIds: number[], maxNewTokens: number, signal?: AbortSignal): Promise<{ ids: number[]; logitsPerStep: Float32Array[] }> {
    const pastInputs = this.inputs.filter((i) => i.role === 'past');
    if (pastInputs.length === 0) throw new InputError('reference model', 'the graph has no past_key_values inputs');
    const presentOf = (past: string) => past.replace(/^past_key_values/, 'present');
    const all = [...promptIds];
    const ids: number[] = [];
    const logitsPerStep: Float32Array[] = [];
    let past: Record<string, ort.Tensor> = {};
    let fed = 0;
    for (let i = 0; i < maxNewTokens; i++) {
      throwIfAborted(signal);
      const tokens = all.slice(fed);
      const positions = tokens.map((_, j) => fed + j);
      const feeds = buildFeeds(this.inputs, { ids: tokens, positions, seed: this.seed, given: { ...this.given, ...past } });
      const mask = this.inputs.find((x) => x.role === 'attention_mask');
      // The mask covers past and new tokens.
      if (mask) feeds[mask.name] = new ort.Tensor('int64', new BigInt64Array(all.length).fill(1n), [1, all.length]);
      const out = await this.session.run(feeds);
      const t = out[this.logitsName];
      const logits = tensorToF32(t, this.logitsName);
      const V = t.dims[t.dims.length - 1];
      const row = logits.slice(logits.length - V);
      const token = argmax(row);
      ids.push(token);
      logitsPerStep.push(row);
      fed = all.length;
      all.push(token);
      past = {};
      for (const p of pastInputs) {
        const present = out[presentOf(p.name)];
        if (!present) throw new InputError('reference model', `no output ${presentOf(p.name)} to feed back as ${p.name}`);
        past[p.name] = present;
      }
    }
    return { ids, logitsPerStep };
  }

  /** Greedy generation re-running the full sequence every step (no cache): the reference path. */
  async generateGreedy(promptIds: number[], maxNewTokens: number, signal?: AbortSignal): Promise<{ ids: number[]; logitsPerStep: Float32Array[] }> {
    const all = [...promptIds];
    const ids: number[] = [];
    const logitsPerStep: Float32Array[] = [];
    for (let i = 0; i < maxNewTokens; i++) {
      const { logits, dims } = await this.run(all, signal);
      const V = dims[dims.length - 1];
      const row = logits.slice(logits.length - V);
      const token = argmax(row);
      ids.push(token);
      logitsPerStep.push(row);
      all.push(token);
    }
    return { ids, logitsPerStep };
  }
}
