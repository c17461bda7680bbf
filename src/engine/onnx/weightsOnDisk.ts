// After a load, every `bytes` field of the decoded proto is a view into the file's buffer
// (protobufjs does not copy), so the whole file stays in memory as long as the model object does:
// 83 MB for the 6-layer bench encoder, held beside onnxruntime's own copy of the weights through
// every pass. The engine's sessions never need those bytes in JavaScript: the dense reference is
// built from the file path, and segments reference the weights' ranges on disk
// (initializerSources.ts). So an initializer with a range on disk of at least REFERENCE_MIN_BYTES
// reads its bytes from the file when something asks for them (the fp16 derivation, an encode
// without sources), and every other view is copied: the file's buffer is garbage once the load
// returns.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import { REFERENCE_MIN_BYTES, type FileRange, type InitializerSources } from './initializerSources';

/** Bytes of `r` in the model's folder, read now; an error names the file if it changed since the load. */
function readRange(dir: string, r: FileRange, tensor: string): Uint8Array {
  const file = path.join(dir, r.location);
  const out = new Uint8Array(r.length);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    let done = 0;
    while (done < r.length) {
      const n = fs.readSync(fd, out, done, r.length - done, r.offset + done);
      if (n === 0) break;
      done += n;
    }
    if (done !== r.length) throw new Error(`${done} of ${r.length} bytes at offset ${r.offset}`);
  } catch (e) {
    throw new InputError(file, `the weights of '${tensor}' could not be read again (was the model file changed or removed since it was loaded?): ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return out;
}

/** rawData of `t` becomes a read of its range on demand; assigning rawData replaces that with the value. */
function readOnDemand(t: onnx.ITensorProto, dir: string, r: FileRange): void {
  Object.defineProperty(t, 'rawData', {
    configurable: true,
    enumerable: true,
    get: () => readRange(dir, r, t.name ?? '?'),
    set: (v: Uint8Array) => Object.defineProperty(t, 'rawData', { value: v, writable: true, configurable: true, enumerable: true }),
  });
}

/** Every Uint8Array reachable from `x` that views `buffer`, replaced by a copy (in place; a Buffer's slice() would be another view). */
function copyViews(x: unknown, buffer: ArrayBufferLike, skip: Set<object>): void {
  if (x === null || typeof x !== 'object' || skip.has(x)) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const v: unknown = x[i];
      if (v instanceof Uint8Array) {
        if (v.buffer === buffer) x[i] = new Uint8Array(v);
      } else copyViews(v, buffer, skip);
    }
    return;
  }
  if (ArrayBuffer.isView(x)) return;
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v instanceof Uint8Array) {
      if (v.buffer === buffer) o[k] = new Uint8Array(v);
    } else copyViews(v, buffer, skip);
  }
}

/**
 * Detaches `proto` from the buffer `decodedFrom` it was decoded from: each initializer in `onDisk`
 * reads its bytes from its range on demand, every other view into the buffer is copied. Changes
 * `proto` in place (the loader calls it before anyone else sees it).
 */
export function detachFromBuffer(proto: onnx.IModelProto, decodedFrom: Uint8Array, onDisk: InitializerSources, dir: string): void {
  for (const [t, r] of onDisk) readOnDemand(t, dir, r);
  copyViews(proto, decodedFrom.buffer, new Set<object>(onDisk.keys()));
}

/**
 * detachFromBuffer for a proto decoded from the whole file `fileBytes`: on disk go the
 * initializers of at least REFERENCE_MIN_BYTES with a source whose bytes are held now (a tensor
 * left external, not inlined, keeps having none).
 */
export function detachFromFileBuffer(proto: onnx.IModelProto, fileBytes: Uint8Array, sources: InitializerSources, dir: string): void {
  const onDisk: InitializerSources = new Map();
  for (const [t, r] of sources) if (r.length >= REFERENCE_MIN_BYTES && (t.rawData?.byteLength ?? 0) > 0) onDisk.set(t, r);
  detachFromBuffer(proto, fileBytes, onDisk, dir);
}
