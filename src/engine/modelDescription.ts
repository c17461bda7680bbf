// The model summary without running anything: what the custom editor for .onnx files shows. Loads
// the file (size-checked, external data confined to its folder) and runs transformer discovery; a
// model the engine cannot map still gets a summary of what was read, with the reason in `problem`.
import { InputError } from './errors';
import { loadOnnxModel } from './onnx/onnxModelLoader';
import { profileLimits } from './profile';
import { discoverTransformer } from './model/transformerDiscovery';
import { modelDisplayName } from './model/modelName';
import type { ModelSummary } from './report/profileReport';

export interface ModelDescription extends ModelSummary {
  /** Graph inputs and outputs as "name: type[dims]". */
  inputs: string[];
  outputs: string[];
  /** The same, structured (the summary editor's tables). */
  inputTensors: TensorDescription[];
  outputTensors: TensorDescription[];
  /** The model file plus its external data, bytes. */
  sizeBytes: number;
  /** The ONNX producer, e.g. "pytorch 2.1". */
  producer: string;
  /** Whether the graph takes token ids (else it runs on given or synthetic tensors: vision, OCR, audio). */
  takesTokens: boolean;
  /** Graph inputs other than token-derived ones and the KV cache: what a user may give as a .npy or a shape. */
  tensorInputs: { name: string; elemType: string; dims: string[] }[];
  /** Why the engine cannot profile this model (discovery stopped), when it cannot. */
  problem?: string;
}

export interface TensorDescription {
  name: string;
  elemType: string;
  /** Each dimension: a number, a symbolic name (batch_size), or '?'. */
  dims: string[];
}

type ValueInfo = { name?: string | null; type?: { tensorType?: { elemType?: number | null; shape?: { dim?: { dimValue?: unknown; dimParam?: string | null }[] | null } | null } | null } | null };

const ELEM_NAMES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64', 16: 'bfloat16' };

function dimsOfValue(v: ValueInfo): string[] {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? String(d.dimValue) : '?'));
}

function tensorOf(v: ValueInfo): TensorDescription {
  return { name: v.name ?? '?', elemType: ELEM_NAMES[v.type?.tensorType?.elemType ?? 0] ?? 'tensor', dims: dimsOfValue(v) };
}

function describeValue(v: ValueInfo): string {
  return `${v.name ?? '?'}: ${ELEM_NAMES[v.type?.tensorType?.elemType ?? 0] ?? 'tensor'}[${dimsOfValue(v).join(', ')}]`;
}

/** Inputs filled from the tokens or owned by the engine (the KV cache), as runtime/modelInputs.ts classifies them. */
const TOKEN_OR_CACHE_INPUT = /input_ids$|position_ids$|attention_mask$|token_type_ids$|past_key_values|^past[._]/;

export async function describeModel(modelPath: string): Promise<ModelDescription> {
  // Same limits as a profile: a model over 2 GB with external data is described too.
  const loaded = await loadOnnxModel(modelPath, { maxExternalBytes: profileLimits.maxExternalBytes, inlineLimitBytes: Infinity });
  const graph = loaded.proto.graph;
  const initializers = new Set((graph?.initializer ?? []).map((t) => t.name));
  const runtimeInputs = (graph?.input ?? []).filter((v) => !initializers.has(v.name));
  const inputs = runtimeInputs.map(describeValue);
  const outputs = (graph?.output ?? []).map(describeValue);
  const inputTensors = runtimeInputs.map(tensorOf);
  const outputTensors = (graph?.output ?? []).map(tensorOf);
  const producer = [loaded.proto.producerName, loaded.proto.producerVersion].filter((x) => x).join(' ');
  const sizeBytes = loaded.fileBytes + loaded.externalBytes;
  const takesTokens = runtimeInputs.some((v) => /input_ids$/.test(v.name ?? ''));
  const tensorInputs = runtimeInputs
    .filter((v) => !TOKEN_OR_CACHE_INPUT.test(v.name ?? ''))
    .map((v) => ({ name: v.name ?? '', elemType: ELEM_NAMES[v.type?.tensorType?.elemType ?? 0] ?? 'tensor', dims: dimsOfValue(v) }));
  const name = modelDisplayName(loaded.fileName, loaded.dir, loaded.proto);
  try {
    const d = discoverTransformer(loaded.proto, loaded.fileName);
    return { ...d.summary, name, inputs, outputs, inputTensors, outputTensors, sizeBytes, producer, takesTokens, tensorInputs };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    let parameters = 0;
    for (const t of graph?.initializer ?? []) parameters += (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
    return {
      fileName: loaded.fileName,
      name,
      family: 'generic',
      layers: 0,
      heads: 0,
      kvHeads: 0,
      headDim: 0,
      hiddenSize: 0,
      parameters,
      opset: loaded.opset,
      causal: false,
      attentionCores: [],
      inputs,
      outputs,
      inputTensors,
      outputTensors,
      sizeBytes,
      producer,
      takesTokens,
      tensorInputs,
      problem: e.message,
    };
  }
}
