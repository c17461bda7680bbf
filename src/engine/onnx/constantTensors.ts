// Every tensor in a graph whose value is known before running it: the initializers, plus the
// outputs of Constant nodes. torch.onnx writes many weights and all shape constants as Constant
// nodes (value attribute), and older exporters use value_float(s)/value_int(s), so discovery code
// must see both kinds through one map.

import { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import { longToNumber } from './tensorData';

const DT = onnx.TensorProto.DataType;

function int64Raw(values: number[]): Uint8Array {
  return new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer);
}

function float32Raw(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** The tensor a Constant node produces, or undefined for forms we do not read (sparse, strings). */
export function constantNodeTensor(node: onnx.INodeProto): onnx.ITensorProto | undefined {
  const name = node.output?.[0] ?? '';
  for (const a of node.attribute ?? []) {
    switch (a.name) {
      case 'value':
        if (!a.t) throw new InputError(`Constant node '${node.name ?? name}'`, "attribute 'value' has no tensor");
        return { ...a.t, name };
      case 'value_float':
        return { name, dims: [], dataType: DT.FLOAT, rawData: float32Raw([a.f ?? 0]) };
      case 'value_floats':
        return { name, dims: [(a.floats ?? []).length], dataType: DT.FLOAT, rawData: float32Raw(a.floats ?? []) };
      case 'value_int':
        return { name, dims: [], dataType: DT.INT64, rawData: int64Raw([longToNumber(a.i)]) };
      case 'value_ints': {
        const ints = (a.ints ?? []).map((v) => longToNumber(v));
        return { name, dims: [ints.length], dataType: DT.INT64, rawData: int64Raw(ints) };
      }
      default:
        break;
    }
  }
  return undefined;
}

/** Name -> tensor for every initializer and every Constant node output of the graph. */
export function collectConstants(graph: onnx.IGraphProto): Map<string, onnx.ITensorProto> {
  const out = new Map<string, onnx.ITensorProto>();
  for (const t of graph.initializer ?? []) {
    if (t.name) out.set(t.name, t);
  }
  for (const n of graph.node ?? []) {
    if (n.opType !== 'Constant' || (n.domain ?? '') !== '') continue;
    const t = constantNodeTensor(n);
    if (t && t.name) out.set(t.name, t);
  }
  // Old exporters (keep_initializers_as_inputs, IR < 4) also list every initializer as a graph
  // input; those stay constants here because nobody feeds them in practice.
  return out;
}
