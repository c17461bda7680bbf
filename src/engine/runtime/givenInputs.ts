// Graph inputs the user gave: a .npy file (read through the bounded reader by npyInput.ts) or a
// shape to fill with seeded synthetic values. Each is checked against the graph's declaration
// before any run, so a mistake is one message naming the input and what is wrong (an unknown
// name, a rank or dimension that does not fit, a dtype the input does not take, a batch above 1).
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import type { GraphInputSpec } from '../profileRequest';
import { mixSeed, seededRandom } from '../seededRandom';
import type { ModelInput } from './modelInputs';
import { loadNpy } from './npyInput';

const DT = onnx.TensorProto.DataType;

/** Most elements of one synthetic input (the same bound as inputs the engine synthesises itself). */
export const MAX_GIVEN_ELEMENTS = 64 * 1024 * 1024;

/** The ORT tensor type each ONNX element type takes, for the dtype check. */
const ORT_TYPE: Partial<Record<number, ort.Tensor.Type>> = {
  [DT.FLOAT]: 'float32',
  [DT.FLOAT16]: 'float16',
  [DT.INT64]: 'int64',
  [DT.INT32]: 'int32',
  [DT.UINT8]: 'uint8',
  [DT.BOOL]: 'bool',
};

function checkDims(input: ModelInput, dims: readonly number[], where: string): void {
  if (dims.length !== input.dims.length) {
    throw new InputError(where, `shape [${dims.join(', ')}] has ${dims.length} dims, the graph declares ${input.dims.length}: [${input.dims.join(', ')}]`);
  }
  input.dims.forEach((d, i) => {
    if (typeof d === 'number' && d > 0 && dims[i] !== d) throw new InputError(where, `dim ${i} is ${dims[i]}, the graph declares ${d} (shape [${input.dims.join(', ')}])`);
  });
  // The engine runs batch 1: a leading batch dim must be 1 whatever its name.
  if (dims.length >= 2 && dims[0] !== 1) throw new InputError(where, `batch (dim 0) is ${dims[0]}: the engine runs batch 1`);
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw new InputError(where, `shape [${dims.join(', ')}] must be whole numbers >= 1`);
}

/** Seeded values in [-1, 1) for float inputs, zeros for integer ones (ids 0 are valid everywhere). */
function syntheticTensor(input: ModelInput, dims: number[], seed: number, where: string): ort.Tensor {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_GIVEN_ELEMENTS) throw new InputError(where, `shape [${dims.join(', ')}] is ${count} elements, over the ${MAX_GIVEN_ELEMENTS}-element limit`);
  const rand = seededRandom(seed);
  switch (input.elemType) {
    case DT.FLOAT:
      return new ort.Tensor('float32', Float32Array.from({ length: count }, () => rand() * 2 - 1), dims);
    case DT.INT64:
      return new ort.Tensor('int64', new BigInt64Array(count), dims);
    case DT.INT32:
      return new ort.Tensor('int32', new Int32Array(count), dims);
    default:
      throw new InputError(where, `no synthetic values for element type ${onnx.TensorProto.DataType[input.elemType] ?? input.elemType}: give this input as a .npy`);
  }
}

function npyTensor(input: ModelInput, file: string, where: string): ort.Tensor {
  const t = loadNpy(file);
  const want = ORT_TYPE[input.elemType];
  if (want && t.type !== want) throw new InputError(where, `${file} holds ${t.type}, the graph input takes ${want}`);
  checkDims(input, t.dims, where);
  return t;
}

/** The tensors of the given inputs by name, each checked against the graph's declaration. */
export function resolveGivenInputs(specs: Record<string, GraphInputSpec>, inputs: ModelInput[], seed = 1234): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  Object.entries(specs).forEach(([name, spec], k) => {
    const where = `input '${name}'`;
    const input = inputs.find((i) => i.name === name);
    if (!input) throw new InputError(where, `the model has no such input (its inputs: ${inputs.map((i) => i.name).join(', ') || 'none'})`);
    if ('npy' in spec) {
      out[name] = npyTensor(input, spec.npy, where);
    } else {
      checkDims(input, spec.shape, where);
      out[name] = syntheticTensor(input, [...spec.shape], mixSeed(seed, k), where);
    }
  });
  return out;
}
