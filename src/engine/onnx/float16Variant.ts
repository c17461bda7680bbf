// The fp16 variant of an fp32 ONNX model, as `optimum-cli export onnx --fp16` gives it (the model
// traced in half precision): every float tensor, Constant, Cast target and float graph input,
// output and value_info becomes FLOAT16, constants clamped to the fp16 range (finfo(float32).min
// would become -inf, and 0 * -inf = NaN). The build derives the trained models' fp16 files with it
// (`spatten-profile derive-fp16`), so only fp32 weights are committed; the test fixtures use it too.
import { onnx } from 'onnx-proto';
import { float32ToFloat16Raw, tensorToFloat32 } from './tensorData';

const DT = onnx.TensorProto.DataType;
const FP16_MAX = 65504;

function clampToHalf(data: Float32Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.max(-FP16_MAX, Math.min(FP16_MAX, data[i]));
  return out;
}

function tensorToHalf(t: onnx.ITensorProto): void {
  if (t.dataType !== DT.FLOAT) return;
  const raw = float32ToFloat16Raw(clampToHalf(tensorToFloat32(t)));
  t.dataType = DT.FLOAT16;
  t.rawData = raw;
  t.floatData = [];
}

function valueInfoToHalf(v: onnx.IValueInfoProto): void {
  const tt = v.type?.tensorType;
  if (tt && tt.elemType === DT.FLOAT) tt.elemType = DT.FLOAT16;
}

/** Deep copy through encode/decode, so variants never alias the source proto. */
export function cloneModel(m: onnx.IModelProto): onnx.ModelProto {
  return onnx.ModelProto.decode(onnx.ModelProto.encode(m).finish());
}

/** The whole model in float16 (weights, compute, float inputs/outputs). */
export function toFloat16(src: onnx.IModelProto): onnx.ModelProto {
  const m = cloneModel(src);
  const g = m.graph!;
  for (const t of g.initializer ?? []) tensorToHalf(t);
  for (const n of g.node ?? []) {
    for (const a of n.attribute ?? []) {
      if (a.t) tensorToHalf(a.t);
      if (n.opType === 'Cast' && a.name === 'to' && Number(a.i) === DT.FLOAT) a.i = DT.FLOAT16;
    }
  }
  for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) valueInfoToHalf(v);
  return m;
}

