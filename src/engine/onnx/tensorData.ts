// Reading the numbers out of an onnx.TensorProto. Exporters store the same tensor in several ways
// (raw little-endian bytes, or the typed repeated fields; float16 either as raw bytes or as the
// low 16 bits of int32_data), and protobufjs hands int64 fields back as Long objects. Everything
// the engine needs from a weight goes through here, so each storage form is handled once.

import { onnx } from 'onnx-proto';
import { InputError } from '../errors';

const DT = onnx.TensorProto.DataType;

/** An int64 field as protobufjs returns it: a number, or a Long when the `long` package is present. */
export type LongLike = number | { toNumber(): number } | null | undefined;

export function longToNumber(x: LongLike): number {
  if (x === null || x === undefined) return 0;
  return typeof x === 'number' ? x : x.toNumber();
}

export function tensorDims(t: onnx.ITensorProto): number[] {
  return (t.dims ?? []).map((d) => longToNumber(d));
}

export function tensorElementCount(t: onnx.ITensorProto): number {
  return tensorDims(t).reduce((a, b) => a * b, 1);
}

export function dataTypeName(code: number | null | undefined): string {
  return DT[code ?? 0] ?? `type ${code}`;
}

const ELEMENT_BYTES: Partial<Record<number, number>> = {
  [DT.FLOAT]: 4,
  [DT.UINT8]: 1,
  [DT.INT8]: 1,
  [DT.UINT16]: 2,
  [DT.INT16]: 2,
  [DT.INT32]: 4,
  [DT.INT64]: 8,
  [DT.BOOL]: 1,
  [DT.FLOAT16]: 2,
  [DT.DOUBLE]: 8,
  [DT.UINT32]: 4,
  [DT.UINT64]: 8,
  [DT.BFLOAT16]: 2,
};

/** Bytes per element of a fixed-size type, or undefined (string, complex). */
export function elementByteSize(dataType: number): number | undefined {
  return ELEMENT_BYTES[dataType];
}

function where(t: onnx.ITensorProto): string {
  return `tensor '${t.name ?? ''}'`;
}

/** rawData copied into an aligned buffer, checked against the declared element count. */
function rawBytes(t: onnx.ITensorProto, bytesPerElement: number): ArrayBuffer | undefined {
  const raw = t.rawData;
  if (!raw || raw.byteLength === 0) return undefined;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new InputError(where(t), 'external data was not loaded (load the model with loadOnnxModel)');
  }
  const n = tensorElementCount(t);
  if (raw.byteLength !== n * bytesPerElement) {
    throw new InputError(
      where(t),
      `raw data has ${raw.byteLength} bytes but dims [${tensorDims(t).join(', ')}] of ${dataTypeName(t.dataType)} need ${n * bytesPerElement}`,
    );
  }
  // Copy: a decoded rawData is a view into the file buffer at an arbitrary (unaligned) offset.
  return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
}

function checkCount(t: onnx.ITensorProto, got: number): void {
  const n = tensorElementCount(t);
  if (got !== n) {
    throw new InputError(where(t), `has ${got} values but dims [${tensorDims(t).join(', ')}] need ${n}`);
  }
}

function externalGuard(t: onnx.ITensorProto): void {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL && !(t.rawData && t.rawData.byteLength)) {
    throw new InputError(where(t), 'external data was not loaded (load the model with loadOnnxModel)');
  }
}

// IEEE 754 half -> single, bit exact (subnormals, inf, NaN included).
export function float16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** single -> half with round-to-nearest-even (what numpy's astype(float16) does). */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m += 1;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m += 1;
    if (m === 0x400) {
      m = 0;
      e += 1;
      if (e >= 31) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** Float values of a float or integer tensor. Integer types give their plain values (no scaling). */
export function tensorToFloat32(t: onnx.ITensorProto): Float32Array {
  externalGuard(t);
  const dt = t.dataType ?? 0;
  switch (dt) {
    case DT.FLOAT: {
      const raw = rawBytes(t, 4);
      if (raw) return new Float32Array(raw);
      const out = Float32Array.from(t.floatData ?? []);
      checkCount(t, out.length);
      return out;
    }
    case DT.DOUBLE: {
      const raw = rawBytes(t, 8);
      const src = raw ? new Float64Array(raw) : Float64Array.from(t.doubleData ?? []);
      checkCount(t, src.length);
      return Float32Array.from(src);
    }
    case DT.FLOAT16:
    case DT.BFLOAT16: {
      const raw = rawBytes(t, 2);
      // Without raw data, float16 bit patterns live in int32_data (one per element).
      const bits = raw ? new Uint16Array(raw) : Uint16Array.from(t.int32Data ?? []);
      checkCount(t, bits.length);
      const out = new Float32Array(bits.length);
      if (dt === DT.FLOAT16) {
        for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
      } else {
        const u = new Uint32Array(out.buffer);
        for (let i = 0; i < bits.length; i++) u[i] = bits[i] << 16;
      }
      return out;
    }
    case DT.INT8:
    case DT.UINT8:
    case DT.INT16:
    case DT.UINT16:
    case DT.INT32:
    case DT.BOOL:
      return Float32Array.from(integerValues(t));
    case DT.INT64:
    case DT.UINT64:
    case DT.UINT32:
      return Float32Array.from(integerValues(t));
    default:
      throw new InputError(where(t), `cannot read ${dataTypeName(dt)} values as float`);
  }
}

/** Integer values of an integer tensor as JS numbers (int64 beyond 2^53 loses precision). */
export function integerValues(t: onnx.ITensorProto): number[] {
  externalGuard(t);
  const dt = t.dataType ?? 0;
  const size = elementByteSize(dt);
  if (size === undefined) throw new InputError(where(t), `cannot read ${dataTypeName(dt)} as integers`);
  const raw = rawBytes(t, size);
  if (raw) {
    switch (dt) {
      case DT.INT8:
        return Array.from(new Int8Array(raw));
      case DT.UINT8:
      case DT.BOOL:
        return Array.from(new Uint8Array(raw));
      case DT.INT16:
        return Array.from(new Int16Array(raw));
      case DT.UINT16:
        return Array.from(new Uint16Array(raw));
      case DT.INT32:
        return Array.from(new Int32Array(raw));
      case DT.UINT32:
        return Array.from(new Uint32Array(raw));
      case DT.INT64:
        return Array.from(new BigInt64Array(raw), (v) => Number(v));
      case DT.UINT64:
        return Array.from(new BigUint64Array(raw), (v) => Number(v));
      default:
        throw new InputError(where(t), `cannot read ${dataTypeName(dt)} as integers`);
    }
  }
  let out: number[];
  if (dt === DT.INT64) out = (t.int64Data ?? []).map((v) => longToNumber(v));
  else if (dt === DT.UINT64 || dt === DT.UINT32) out = (t.uint64Data ?? []).map((v) => longToNumber(v));
  else out = (t.int32Data ?? []).slice();
  checkCount(t, out.length);
  return out;
}

/** A float32 array as float16 raw bytes (little-endian), e.g. for fp16 initializers. */
export function float32ToFloat16Raw(data: Float32Array): Uint8Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = float32ToFloat16Bits(data[i]);
  return new Uint8Array(out.buffer);
}
