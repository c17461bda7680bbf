// Structure-aware ONNX mutations: decode the seed with onnx-proto, change one aspect the loader,
// the transformer discovery or onnxruntime must cope with, and encode it again.
//   dims        graph input/output and initializer dims (0, -1, huge, symbolic)
//   types       element types of inputs, outputs and initializers
//   ops         a node's op type (or domain)
//   wiring      a node input or output renamed to another tensor, a missing one or a cycle
//   attributes  an attribute's value changed, retyped or removed
//   opset       the default-domain opset version
//   outputs     graph outputs removed, duplicated or renamed
//   external    external-data location, offset and length of an initializer
import { onnx } from 'onnx-proto';
import type { FuzzRandom } from './fuzzRandom';

export const MODEL_ASPECTS = ['dims', 'types', 'ops', 'wiring', 'attributes', 'opset', 'outputs', 'external'] as const;
export type ModelAspect = (typeof MODEL_ASPECTS)[number];

const OPS = ['MatMul', 'Softmax', 'Add', 'Reshape', 'Transpose', 'Gather', 'Concat', 'LayerNormalization', 'Attention', 'If', 'Loop', 'Identity', 'Cast', 'Shape', 'NoSuchOp', 'Where', 'Expand'];
const ELEM_TYPES = [0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 16, 17, 999];

function dimValue(rng: FuzzRandom): onnx.TensorShapeProto.IDimension {
  return rng.chance(0.3) ? { dimParam: rng.pick(['batch', 'seq', 'N', '']) } : { dimValue: rng.pick([0, 1, 2, 3, 16, 4096, 1 << 20, 2 ** 31, -1]) };
}

function valueInfos(g: onnx.IGraphProto): onnx.IValueInfoProto[] {
  return [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])];
}

function mutateDims(g: onnx.IGraphProto, rng: FuzzRandom): void {
  if (rng.chance(0.5) && (g.initializer ?? []).length > 0) {
    const t = rng.pick(g.initializer!);
    const dims = [...(t.dims ?? [])];
    if (dims.length > 0 && rng.chance(0.7)) dims[rng.int(dims.length)] = rng.pick([0, 1, 2, 7, 64, 2 ** 31, -3]);
    else dims.push(rng.pick([1, 2, 3]));
    t.dims = dims;
    return;
  }
  const vi = rng.pick(valueInfos(g));
  const dims = vi?.type?.tensorType?.shape?.dim;
  if (!dims) return;
  if (dims.length > 0 && rng.chance(0.7)) dims[rng.int(dims.length)] = dimValue(rng);
  else if (rng.chance(0.5)) dims.push(dimValue(rng));
  else dims.pop();
}

function mutateTypes(g: onnx.IGraphProto, rng: FuzzRandom): void {
  if (rng.chance(0.5) && (g.initializer ?? []).length > 0) {
    rng.pick(g.initializer!).dataType = rng.pick(ELEM_TYPES);
    return;
  }
  const tt = rng.pick(valueInfos(g))?.type?.tensorType;
  if (tt) tt.elemType = rng.pick(ELEM_TYPES);
}

function mutateOps(g: onnx.IGraphProto, rng: FuzzRandom): void {
  const n = rng.pick(g.node ?? []);
  if (!n) return;
  if (rng.chance(0.8)) n.opType = rng.pick(OPS);
  else n.domain = rng.pick(['', 'com.microsoft', 'ai.onnx.ml', 'no.such.domain']);
}

function mutateWiring(g: onnx.IGraphProto, rng: FuzzRandom): void {
  const nodes = g.node ?? [];
  const n = rng.pick(nodes);
  if (!n) return;
  const names = [...nodes.flatMap((m) => m.output ?? []), ...(g.initializer ?? []).map((t) => t.name ?? ''), ...(g.input ?? []).map((i) => i.name ?? '')];
  switch (rng.int(4)) {
    case 0: if ((n.input ?? []).length > 0) n.input![rng.int(n.input!.length)] = rng.pick(names); break; // rewired
    case 1: if ((n.input ?? []).length > 0) n.input![rng.int(n.input!.length)] = 'missing_tensor'; break;
    case 2: if ((n.output ?? []).length > 0 && (n.input ?? []).length > 0) n.input![0] = n.output![0]; break; // self-loop
    case 3: nodes.splice(nodes.indexOf(n), 1); break; // a producer disappears
  }
}

function mutateAttributes(g: onnx.IGraphProto, rng: FuzzRandom): void {
  const withAttrs = (g.node ?? []).filter((n) => (n.attribute ?? []).length > 0);
  const n = rng.pick(withAttrs);
  if (!n) return;
  const a = rng.pick(n.attribute!);
  switch (rng.int(5)) {
    case 0: n.attribute!.splice(n.attribute!.indexOf(a), 1); break;
    case 1: a.i = rng.interestingNumber(); a.type = onnx.AttributeProto.AttributeType.INT; break;
    case 2: a.f = rng.pick([0, -1, 1e30, NaN, Infinity]); a.type = onnx.AttributeProto.AttributeType.FLOAT; break;
    case 3: a.ints = Array.from({ length: rng.int(6) }, () => rng.interestingNumber()); a.type = onnx.AttributeProto.AttributeType.INTS; break;
    case 4: a.s = new TextEncoder().encode(rng.pick(['', 'NOTSET', 'x'.repeat(300)])); a.type = onnx.AttributeProto.AttributeType.STRING; break;
  }
}

function mutateOpset(m: onnx.IModelProto, rng: FuzzRandom): void {
  const imports = m.opsetImport ?? [];
  const main = imports.find((o) => !o.domain);
  if (rng.chance(0.2)) m.opsetImport = imports.filter((o) => o !== main);
  else if (main) main.version = rng.pick([0, 1, 6, 7, 9, 11, 13, 17, 21, 22, 99, 10000, -1]);
  if (rng.chance(0.2)) m.irVersion = rng.pick([0, 1, 3, 7, 10, 99]);
}

function mutateOutputs(g: onnx.IGraphProto, rng: FuzzRandom): void {
  const outputs = g.output ?? [];
  switch (rng.int(4)) {
    case 0: if (outputs.length > 0) outputs.splice(rng.int(outputs.length), 1); break;
    case 1: if (outputs.length > 0) outputs.push(rng.pick(outputs)); break;
    case 2: if (outputs.length > 0) rng.pick(outputs).name = rng.pick(['logits', 'missing', '', 'input_ids']); break;
    case 3: g.output = []; break;
  }
}

function mutateExternal(g: onnx.IGraphProto, rng: FuzzRandom): void {
  const inits = g.initializer ?? [];
  const t = rng.pick(inits.filter((i) => (i.externalData ?? []).length > 0).concat(rng.chance(0.3) ? inits : []));
  if (!t) return;
  t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  switch (rng.int(4)) {
    case 0: entries.set('location', rng.pick(['../outside.bin', '/etc/passwd', '/proc/self/mem', 'file:///etc/passwd', '..\\x.bin', 'missing.bin', '', 'a/../../b', '/dev/zero'])); break;
    case 1: entries.set('offset', String(rng.pick([-1, 2 ** 40, 3, 1e20, 'x']))); break;
    case 2: entries.set('length', String(rng.pick([-1, 0, 2 ** 40, 7, 'x']))); break;
    case 3: entries.delete(rng.pick(['location', 'offset', 'length'])); break;
  }
  t.externalData = [...entries].map(([key, value]) => ({ key, value }));
}

export function mutateModel(bytes: Uint8Array, aspect: ModelAspect, rng: FuzzRandom): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph ?? (m.graph = new onnx.GraphProto());
  switch (aspect) {
    case 'dims': mutateDims(g, rng); break;
    case 'types': mutateTypes(g, rng); break;
    case 'ops': mutateOps(g, rng); break;
    case 'wiring': mutateWiring(g, rng); break;
    case 'attributes': mutateAttributes(g, rng); break;
    case 'opset': mutateOpset(m, rng); break;
    case 'outputs': mutateOutputs(g, rng); break;
    case 'external': mutateExternal(g, rng); break;
  }
  return onnx.ModelProto.encode(m).finish();
}
