// Feeds for a model's graph inputs, batch 1. Text inputs (input_ids, position_ids,
// attention_mask, token_type_ids) are filled from the tokens; past_key_values.* get zero-length
// past (the engine owns the KV cache, and the reference runs the full sequence); anything else
// (pixel_values, bbox, ...) gets seeded synthetic values of its declared shape.

import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import type { GraphIndex } from '../model/graphIndex';
import { toNum } from '../model/graphIndex';
import { seededRandom } from '../seededRandom';

const DT = onnx.TensorProto.DataType;

export type InputRole = 'input_ids' | 'position_ids' | 'attention_mask' | 'token_type_ids' | 'past' | 'synthetic';

export interface ModelInput {
  name: string;
  role: InputRole;
  elemType: number;
  /** Declared dims: a number, or the symbolic name. */
  dims: (number | string)[];
}

export function classifyInputs(g: GraphIndex): ModelInput[] {
  const out: ModelInput[] = [];
  for (const v of g.graph.input ?? []) {
    const name = v.name ?? '';
    if (!g.graphInputs.has(name)) continue;
    const tt = v.type?.tensorType;
    const dims = (tt?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? toNum(d.dimValue) : '?'));
    let role: InputRole = 'synthetic';
    if (/past_key_values|^past[._]/.test(name)) role = 'past';
    else if (/input_ids$/.test(name)) role = 'input_ids';
    else if (/position_ids$/.test(name)) role = 'position_ids';
    else if (/attention_mask$/.test(name)) role = 'attention_mask';
    else if (/token_type_ids$/.test(name)) role = 'token_type_ids';
    out.push({ name, role, elemType: tt?.elemType ?? DT.FLOAT, dims });
  }
  return out;
}

function intTensor(elemType: number, values: ArrayLike<number>, dims: number[], where: string): ort.Tensor {
  if (elemType === DT.INT64) return new ort.Tensor('int64', BigInt64Array.from(Array.from(values), (x) => BigInt(x)), dims);
  if (elemType === DT.INT32) return new ort.Tensor('int32', Int32Array.from(values), dims);
  if (elemType === DT.FLOAT) return new ort.Tensor('float32', Float32Array.from(values), dims);
  throw new InputError(where, `input of element type ${elemType} where token ids were expected`);
}

export interface FeedOptions {
  /** Token ids of this run (null for models without token inputs). */
  ids: number[] | null;
  /** Position of each token (defaults to 0..n-1). */
  positions?: number[];
  /** Seed for synthetic inputs. */
  seed?: number;
  /** User-given tensors by input name (override anything else). */
  given?: Record<string, ort.Tensor>;
  /** Sequence length of synthetic inputs when there are no token ids (default 16). */
  sequenceLength?: number;
}

/**
 * Resolves declared dim `index` for a batch-1 run of `seq` tokens. A leading dim of a rank >= 2
 * input is the batch whatever its name (exporters call it 'batch_size', 'N',
 * 'p2o.DynamicDimension.0', ...).
 */
function resolveDim(d: number | string, seq: number, input: ModelInput, index: number): number {
  if (typeof d === 'number') return d;
  if (/batch/i.test(d) || (index === 0 && input.dims.length >= 2)) return 1;
  if (/past/i.test(d) && !/\+/.test(d)) return 0;
  if (/seq|total|length|tokens/i.test(d) && seq > 0) return seq;
  throw new InputError(`input '${input.name}'`, `symbolic dimension '${d}' (dim ${index} of [${input.dims.join(', ')}]) has no value the engine can pick: give the input's shape (--input-shape ${input.name}=d0,d1,...) or its values as a .npy (--input ${input.name}=FILE.npy)`);
}

export function buildFeeds(inputs: ModelInput[], opts: FeedOptions): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const ids = opts.ids;
  const n = ids?.length ?? opts.sequenceLength ?? 16;
  const positions = opts.positions ?? Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(opts.seed ?? 1234);
  for (const inp of inputs) {
    const where = `input '${inp.name}'`;
    const given = opts.given?.[inp.name];
    if (given) {
      feeds[inp.name] = given;
      continue;
    }
    switch (inp.role) {
      case 'input_ids':
        if (!ids) throw new InputError(where, 'the model takes token ids but no text was given');
        feeds[inp.name] = intTensor(inp.elemType, ids, [1, n], where);
        break;
      case 'position_ids':
        feeds[inp.name] = intTensor(inp.elemType, positions, [1, n], where);
        break;
      case 'attention_mask':
        // Batch 1, no padding: every token visible. With an engine-owned cache the graph sees no past.
        feeds[inp.name] = intTensor(inp.elemType, new Array<number>(n).fill(1), [1, n], where);
        break;
      case 'token_type_ids':
        feeds[inp.name] = intTensor(inp.elemType, new Array<number>(n).fill(0), [1, n], where);
        break;
      case 'past': {
        const dims = inp.dims.map((d, i) => (i === inp.dims.length - 2 && typeof d === 'string' ? 0 : resolveDim(d, n, inp, i)));
        if (inp.elemType === DT.FLOAT16) feeds[inp.name] = new ort.Tensor('float16', new Uint16Array(0), dims);
        else feeds[inp.name] = new ort.Tensor('float32', new Float32Array(0), dims);
        break;
      }
      default: {
        const dims = inp.dims.map((d, i) => resolveDim(d, n, inp, i));
        const count = dims.reduce((a, b) => a * b, 1);
        if (count > 64 * 1024 * 1024) throw new InputError(where, `synthetic input of ${count} elements is too large`);
        if (inp.elemType === DT.FLOAT) {
          const data = new Float32Array(count);
          for (let i = 0; i < count; i++) data[i] = rand() * 2 - 1;
          feeds[inp.name] = new ort.Tensor('float32', data, dims);
        } else if (inp.elemType === DT.INT64 || inp.elemType === DT.INT32) {
          feeds[inp.name] = intTensor(inp.elemType, new Array<number>(count).fill(0), dims, where);
        } else {
          throw new InputError(where, `no synthetic value for element type ${inp.elemType}: give this input as a .npy`);
        }
      }
    }
  }
  return feeds;
}
