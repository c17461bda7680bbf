// Where each initializer's bytes lie on disk, so that a part of the model (a segment) can be given
// to onnxruntime without copying its weights through a protobuf encode: the segment's proto names
// the model's own file (or its external-data file) at the weights' byte range, and ORT reads them
// from there (session option model_external_initializers_file_folder_path = the model's folder).
//
// The ranges come from the load itself: protobufjs decodes `bytes` fields as views into the file's
// buffer (no copy), so a view's byteOffset is the tensor's offset in the .onnx file; tensors the
// loader inlined from external data keep the location and offset their model declared. Tensors
// whose data is not raw bytes on disk (float_data, int64_data, ...) have no range and are encoded
// inline, as before.
import { onnx } from 'onnx-proto';

/** A tensor's raw little-endian bytes in a file of the model's folder. */
export interface FileRange {
  /** File name relative to the model's folder (validated by the loader). */
  location: string;
  offset: number;
  length: number;
}

/** The byte range on disk of each initializer of the main graph that has one. */
export type InitializerSources = Map<onnx.ITensorProto, FileRange>;

/** Smaller tensors stay inline: a file read per tensor costs more than a copy of a few bytes. */
export const REFERENCE_MIN_BYTES = 4096;

/** Ranges of the initializers whose rawData is a view into `fileBytes` (the decoded .onnx file). */
export function ranges(initializers: onnx.ITensorProto[], fileBytes: Uint8Array, fileName: string): InitializerSources {
  const out: InitializerSources = new Map();
  for (const t of initializers) {
    const raw = t.rawData;
    if (!raw || raw.byteLength === 0 || raw.buffer !== fileBytes.buffer) continue;
    const offset = raw.byteOffset - fileBytes.byteOffset;
    if (offset < 0 || offset + raw.byteLength > fileBytes.byteLength) continue;
    out.set(t, { location: fileName, offset, length: raw.byteLength });
  }
  return out;
}

function referenced(t: onnx.ITensorProto, r: FileRange): onnx.ITensorProto {
  return {
    name: t.name,
    dims: t.dims,
    dataType: t.dataType,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: r.location },
      { key: 'offset', value: String(r.offset) },
      { key: 'length', value: String(r.length) },
    ],
  };
}

/**
 * The encoded model with every initializer of at least REFERENCE_MIN_BYTES that has a source
 * replaced by an external-data reference to it (the proto itself is not changed). ORT must be
 * told the model's folder (see `withModelFolder`).
 */
export function encodeReferencingSources(model: onnx.IModelProto, sources: InitializerSources): Uint8Array {
  const g = model.graph;
  if (!g || sources.size === 0) return onnx.ModelProto.encode(model).finish();
  const initializer = (g.initializer ?? []).map((t) => {
    const r = sources.get(t);
    return r && r.length >= REFERENCE_MIN_BYTES ? referenced(t, r) : t;
  });
  return onnx.ModelProto.encode({ ...model, graph: { ...g, initializer } }).finish();
}

/**
 * `options` plus the session entry that lets ORT resolve the references of
 * `encodeReferencingSources` (the model's folder), keeping the other session entries.
 */
export function withModelFolder<T extends { extra?: unknown }>(options: T, modelDir: string): T {
  const extra = (options.extra ?? {}) as { session?: Record<string, unknown> };
  return { ...options, extra: { ...extra, session: { ...extra.session, model_external_initializers_file_folder_path: modelDir } } };
}
