// A user-given graph input as a NumPy .npy file (format versions 1-3, little-endian, C order),
// e.g. pixel_values for a vision transformer. The header is parsed strictly; the data length must
// match the shape exactly.

import * as ort from 'onnxruntime-node';
import { InputError } from '../errors';
import { INPUT_FILE_KINDS, readBoundedFileSync } from '../files/boundedRead';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DTYPES: Record<string, { type: 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool'; bytes: number }> = {
  '<f4': { type: 'float32', bytes: 4 },
  '<f8': { type: 'float64', bytes: 8 },
  '<i8': { type: 'int64', bytes: 8 },
  '<i4': { type: 'int32', bytes: 4 },
  '|u1': { type: 'uint8', bytes: 1 },
  '|b1': { type: 'bool', bytes: 1 },
};

export function parseNpy(bytes: Uint8Array, where: string): ort.Tensor {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw new InputError(where, 'not a .npy file (magic \\x93NUMPY missing)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let off: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    off = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    off = 12;
  } else {
    throw new InputError(where, `.npy format version ${major} is not supported`);
  }
  if (off + headerLen > bytes.length) throw new InputError(where, '.npy header runs past the end of the file');
  const header = new TextDecoder().decode(bytes.subarray(off, off + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new InputError(where, `.npy header is malformed: ${header.trim().slice(0, 120)}`);
  if (fortran === 'True') throw new InputError(where, '.npy array is in Fortran order; save it C-contiguous');
  const dt = DTYPES[descr];
  if (!dt) throw new InputError(where, `.npy dtype '${descr}' is not supported (little-endian float32/64, int32/64, uint8, bool)`);
  const dims = shapeText.split(',').map((x) => x.trim()).filter((x) => x.length > 0).map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new InputError(where, `.npy shape (${shapeText}) is invalid`);
  const count = dims.reduce((a, b) => a * b, 1);
  const dataOff = off + headerLen;
  if (bytes.length - dataOff !== count * dt.bytes) {
    throw new InputError(where, `.npy data is ${bytes.length - dataOff} bytes, shape [${dims}] of ${descr} needs ${count * dt.bytes}`);
  }
  // Copy into an aligned buffer: the data offset need not be a multiple of the element size.
  const buf = bytes.slice(dataOff).buffer;
  switch (dt.type) {
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(buf), dims);
    case 'float64':
      // Graph inputs are float32 in practice; convert rather than make the user re-save.
      return new ort.Tensor('float32', Float32Array.from(new Float64Array(buf)), dims);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(buf), dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(buf), dims);
    case 'uint8':
      return new ort.Tensor('uint8', new Uint8Array(buf), dims);
    case 'bool':
      return new ort.Tensor('bool', new Uint8Array(buf), dims);
  }
}

export function loadNpy(file: string): ort.Tensor {
  return parseNpy(readBoundedFileSync(file, INPUT_FILE_KINDS.npy), file);
}
