// Element types of every tensor in a graph. A segment's inputs and outputs are intermediate
// tensors of the original graph, and ORT needs their element type declared; exporters rarely
// write value_info for them, so the types are inferred op by op (types are far simpler than shapes).

import { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import type { GraphIndex } from '../model/graphIndex';
import { attr, attrInt, nodeLabel } from '../model/graphIndex';

const DT = onnx.TensorProto.DataType;

const BOOL_OPS = new Set(['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);

export function inferElemTypes(g: GraphIndex): Map<string, number> {
  const types = new Map<string, number>();
  for (const v of [...(g.graph.input ?? []), ...(g.graph.valueInfo ?? []), ...(g.graph.output ?? [])]) {
    const et = v.type?.tensorType?.elemType;
    if (v.name && et) types.set(v.name, et);
  }
  for (const t of g.initializers.values()) if (t.name && t.dataType) types.set(t.name, t.dataType);
  const typeOf = (name: string | undefined) => (name ? types.get(name) : undefined);
  for (const n of g.nodes) {
    const op = n.opType ?? '';
    const ins = n.input ?? [];
    let out: number | undefined;
    if (op === 'Constant') out = attr(n, 'value')?.t?.dataType ?? (attr(n, 'value_float') || attr(n, 'value_floats') ? DT.FLOAT : DT.INT64);
    else if (op === 'Cast') out = attrInt(n, 'to', 0);
    else if (op === 'CastLike') out = typeOf(ins[1]);
    else if (BOOL_OPS.has(op)) out = DT.BOOL;
    else if (INT64_OPS.has(op)) out = DT.INT64;
    else if (op === 'ConstantOfShape') out = attr(n, 'value')?.t?.dataType ?? DT.FLOAT;
    else if (op === 'Where') out = typeOf(ins[1]) ?? typeOf(ins[2]);
    else if (op === 'Gather' || op === 'GatherElements' || op === 'GatherND') out = typeOf(ins[0]);
    else if (op === 'EyeLike' || op === 'RandomNormalLike' || op === 'RandomUniformLike') out = attr(n, 'dtype') ? attrInt(n, 'dtype', DT.FLOAT) : typeOf(ins[0]);
    else if (op === 'DequantizeLinear') out = typeOf(ins[1]) ?? DT.FLOAT;
    else if (op === 'QuantizeLinear' || op === 'DynamicQuantizeLinear') out = typeOf(ins[2]) ?? DT.UINT8;
    else if (op === 'MatMulInteger' || op === 'ConvInteger') out = DT.INT32;
    else if (op === 'EmbedLayerNormalization') out = typeOf(ins[5]) ?? typeOf(ins[2]);
    else out = ins.map(typeOf).find((t) => t !== undefined);
    if (out === undefined) continue;
    const outs = n.output ?? [];
    for (let i = 0; i < outs.length; i++) {
      if (!outs[i] || types.has(outs[i])) continue;
      // Secondary outputs that differ in type (e.g. Dropout's mask, TopK's indices).
      if (i > 0 && (op === 'Dropout' || op === 'TopK' || op === 'Unique')) {
        types.set(outs[i], op === 'Dropout' ? DT.BOOL : DT.INT64);
        continue;
      }
      // com.microsoft EmbedLayerNormalization's second output is the int32 mask index.
      if (i === 1 && op === 'EmbedLayerNormalization') {
        types.set(outs[i], DT.INT32);
        continue;
      }
      types.set(outs[i], out);
    }
  }
  return types;
}

export function requireElemType(types: Map<string, number>, name: string, g: GraphIndex): number {
  const t = types.get(name);
  if (t === undefined) {
    const p = g.producer.get(name);
    throw new InputError(p ? nodeLabel(p) : name, `cannot infer the element type of tensor '${name}' to cut the graph there`);
  }
  return t;
}
