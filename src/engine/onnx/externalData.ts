// External data: exporters move large weights out of the .onnx into side files and leave, in each
// TensorProto, data_location = EXTERNAL plus key/value entries (location, offset, length,
// checksum). The model file is untrusted, so `location` is confined to the model's folder: no
// absolute paths, no '..', and the real path (symlinks resolved) must stay inside the folder.
// Declared ranges are checked against the real file size before a byte is allocated.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import { dataTypeName, elementByteSize, tensorDims, tensorElementCount } from './tensorData';

const EXTERNAL = onnx.TensorProto.DataLocation.EXTERNAL;

export interface ExternalRef {
  tensor: onnx.ITensorProto;
  location: string;
  offset: number;
  /** Declared length, or undefined when the entry omits it (then: to the end of the file). */
  length: number | undefined;
}

/** Every TensorProto in the graph (initializers, Constant/attribute tensors, nested subgraphs). */
export function forEachTensor(graph: onnx.IGraphProto, visit: (t: onnx.ITensorProto) => void): void {
  for (const t of graph.initializer ?? []) visit(t);
  for (const n of graph.node ?? []) {
    for (const a of n.attribute ?? []) {
      if (a.t) visit(a.t);
      for (const t of a.tensors ?? []) visit(t);
      if (a.g) forEachTensor(a.g, visit);
      for (const g of a.graphs ?? []) forEachTensor(g, visit);
    }
  }
}

function parseNonNegativeInt(value: string, key: string, where: string): number {
  if (!/^\d+$/.test(value)) throw new InputError(where, `external data '${key}' is not a non-negative integer: '${value}'`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InputError(where, `external data '${key}' is too large: ${value}`);
  return n;
}

export function externalRef(t: onnx.ITensorProto): ExternalRef {
  const where = `tensor '${t.name ?? ''}'`;
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) throw new InputError(where, "external data has no 'location'");
  const offset = entries.has('offset') ? parseNonNegativeInt(entries.get('offset')!, 'offset', where) : 0;
  const length = entries.has('length') ? parseNonNegativeInt(entries.get('length')!, 'length', where) : undefined;
  return { tensor: t, location, offset, length };
}

/**
 * Resolves `location` to a real path inside `modelDir`, or throws. `realModelDir` is
 * fs.realpathSync(modelDir), computed once by the caller.
 */
export function confineExternalPath(location: string, modelDir: string, realModelDir: string, where: string): string {
  if (location.includes('\0')) throw new InputError(where, 'external data location contains a NUL byte');
  if (path.isAbsolute(location) || path.win32.isAbsolute(location) || /^[a-zA-Z]:/.test(location)) {
    throw new InputError(where, `external data location '${location}' is absolute; it must be relative to the model's folder`);
  }
  const parts = location.split(/[\\/]+/);
  if (parts.includes('..')) {
    throw new InputError(where, `external data location '${location}' leaves the model's folder ('..')`);
  }
  const joined = path.join(modelDir, ...parts);
  let real: string;
  try {
    real = fs.realpathSync(joined);
  } catch {
    throw new InputError(where, `external data file '${location}' not found beside the model (${joined})`);
  }
  const rel = path.relative(realModelDir, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InputError(where, `external data file '${location}' resolves outside the model's folder (${real})`);
  }
  const st = fs.statSync(real);
  if (!st.isFile()) throw new InputError(where, `external data '${location}' is not a regular file`);
  return real;
}

export interface ExternalDataOptions {
  /** Sum of all external bytes allowed (default 2 GiB). */
  maxExternalBytes: number;
  /** Copy the bytes into rawData (default) or only validate and leave the tensors external. */
  inline: boolean;
  /** When inlining: the most external bytes the re-encoded proto can hold (2 GB protobuf limit). */
  inlineLimitBytes?: number;
}

export interface ExternalDataResult {
  /** Total external bytes referenced (validated ranges). */
  externalBytes: number;
  /** location as written in the model -> validated real path. */
  files: Map<string, string>;
}

/**
 * Validates every external reference of the model and (when `inline`) reads the bytes into
 * rawData and marks the tensor DEFAULT, so the proto is self-contained and can be re-encoded and
 * given to ORT as a buffer. Checksums (SHA-1 of the file) are not verified: ranges and sizes are.
 */
export async function resolveExternalData(
  proto: onnx.IModelProto,
  modelDir: string,
  modelWhere: string,
  opts: ExternalDataOptions,
): Promise<ExternalDataResult> {
  const refs: ExternalRef[] = [];
  if (proto.graph) {
    forEachTensor(proto.graph, (t) => {
      if (t.dataLocation === EXTERNAL) refs.push(externalRef(t));
    });
  }
  const files = new Map<string, string>();
  if (refs.length === 0) return { externalBytes: 0, files };

  const realModelDir = fs.realpathSync(modelDir);
  const sizes = new Map<string, number>();
  let total = 0;
  const plans: { ref: ExternalRef; real: string; length: number }[] = [];
  for (const ref of refs) {
    const where = `${modelWhere}: tensor '${ref.tensor.name ?? ''}'`;
    let real = files.get(ref.location);
    if (!real) {
      real = confineExternalPath(ref.location, modelDir, realModelDir, where);
      files.set(ref.location, real);
      sizes.set(real, fs.statSync(real).size);
    }
    const fileSize = sizes.get(real)!;
    const elemBytes = elementByteSize(ref.tensor.dataType ?? 0);
    if (elemBytes === undefined) {
      throw new InputError(where, `external data of type ${dataTypeName(ref.tensor.dataType)} is not supported`);
    }
    const expected = tensorElementCount(ref.tensor) * elemBytes;
    const length = ref.length ?? fileSize - ref.offset;
    if (length !== expected) {
      throw new InputError(
        where,
        `external data length ${length} does not match dims [${tensorDims(ref.tensor).join(', ')}] of ${dataTypeName(ref.tensor.dataType)} (${expected} bytes)`,
      );
    }
    if (ref.offset + length > fileSize) {
      throw new InputError(
        where,
        `external data range [${ref.offset}, ${ref.offset + length}) is past the end of '${ref.location}' (${fileSize} bytes)`,
      );
    }
    total += length;
    if (total > opts.maxExternalBytes) {
      throw new InputError(modelWhere, `external data totals over ${opts.maxExternalBytes} bytes (the configured limit)`);
    }
    plans.push({ ref, real, length });
  }
  if (!opts.inline) return { externalBytes: total, files };
  if (opts.inlineLimitBytes !== undefined && total > opts.inlineLimitBytes) {
    throw new InputError(
      modelWhere,
      `external data (${total} bytes) cannot be inlined under the 2 GB protobuf limit; models this large are not supported`,
    );
  }

  const handles = new Map<string, fs.promises.FileHandle>();
  try {
    for (const { ref, real, length } of plans) {
      let h = handles.get(real);
      if (!h) {
        h = await fs.promises.open(real, 'r');
        handles.set(real, h);
      }
      const bytes = new Uint8Array(length);
      const { bytesRead } = await h.read(bytes, 0, length, ref.offset);
      if (bytesRead !== length) {
        throw new InputError(`${modelWhere}: tensor '${ref.tensor.name ?? ''}'`, `short read from '${ref.location}' (file changed while loading?)`);
      }
      ref.tensor.rawData = bytes;
      ref.tensor.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
      ref.tensor.externalData = [];
    }
  } finally {
    for (const h of handles.values()) await h.close();
  }
  return { externalBytes: total, files };
}
