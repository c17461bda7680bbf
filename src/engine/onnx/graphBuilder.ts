// A small builder for ONNX graphs, used by the llama2.c converter, by subgraph extraction and by
// the test-fixture generators. It writes plain onnx.ModelProto objects (onnx-proto) so everything
// downstream (encode, ORT) sees exactly what an exporter would have written.

import { onnx } from 'onnx-proto';

export type ElemType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

export const ELEM_TYPE_CODE: Record<ElemType, onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A dimension: a fixed size or a symbolic name such as 'batch' or 'sequence'. */
export type Dim = number | string;

export type AttrValue = number | string | number[] | onnx.ITensorProto;

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, AttrValue>;
  /** Mark an attribute that must be written as a float (an integer-valued JS number is ambiguous). */
  floatAttrs?: string[];
}

export function valueInfo(name: string, type: ElemType, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE_CODE[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** A float32 initializer (raw little-endian bytes, as exporters write them). */
export function floatTensor(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  return {
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

export function int64Tensor(name: string, dims: number[], data: number[]): onnx.ITensorProto {
  const buf = new BigInt64Array(data.map((x) => BigInt(x)));
  return {
    name,
    dims,
    dataType: onnx.TensorProto.DataType.INT64,
    rawData: new Uint8Array(buf.buffer),
  };
}

function attribute(name: string, value: AttrValue, asFloat: boolean): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return asFloat || !Number.isInteger(value) ? { name, type: T.FLOAT, f: value } : { name, type: T.INT, i: value };
  }
  if (Array.isArray(value)) {
    return asFloat || value.some((x) => !Number.isInteger(x))
      ? { name, type: T.FLOATS, floats: value }
      : { name, type: T.INTS, ints: value };
  }
  return { name, type: T.TENSOR, t: value };
}

export function node(spec: NodeSpec): onnx.INodeProto {
  const floats = new Set(spec.floatAttrs ?? []);
  return {
    opType: spec.op,
    input: spec.inputs,
    output: spec.outputs,
    name: spec.name ?? spec.outputs[0],
    domain: spec.domain ?? '',
    attribute: Object.entries(spec.attrs ?? {}).map(([k, v]) => attribute(k, v, floats.has(k))),
  };
}

export interface ModelSpec {
  graphName: string;
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
  inputs: onnx.IValueInfoProto[];
  outputs: onnx.IValueInfoProto[];
  /** Default opset 17. Add 'com.microsoft': 1 for ORT-fused ops. */
  opsets?: Record<string, number>;
  producer?: string;
  metadata?: Record<string, string>;
}

export function model(spec: ModelSpec): onnx.ModelProto {
  const opsets = spec.opsets ?? { '': 17 };
  return onnx.ModelProto.create({
    irVersion: 8,
    producerName: spec.producer ?? 'spatten-profiler',
    opsetImport: Object.entries(opsets).map(([domain, version]) => ({ domain, version })),
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName,
      node: spec.nodes,
      initializer: spec.initializers,
      input: spec.inputs,
      output: spec.outputs,
    },
  });
}

export function encodeModel(m: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(m).finish();
}
