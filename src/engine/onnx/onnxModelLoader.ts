// Loading an untrusted .onnx file into an onnx.ModelProto. Order matters for safety: stat and
// size-check before reading, sniff the first bytes before decoding (so a PNG, a PyTorch zip or a
// git-lfs pointer gets a precise message instead of a protobuf error), decode with the byte
// offset of any failure, validate what the rest of the engine assumes (a graph with nodes, an
// ai.onnx opset ORT can run), then resolve external data inside the model's folder.
//
// 2 GB: protobuf messages cannot exceed 2 GiB, so a model whose weights are inlined must stay
// below it. We inline external data (so segments can be re-encoded and handed to ORT as buffers)
// and REFUSE models whose file plus external data exceed that limit, unless the caller asks for
// `inlineExternalData: false`, in which case the tensors stay external (validated, with their real
// paths in `externalFiles`) and the caller must give ORT the original file path.

import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import { openCheckedFile, readReleasableFile } from '../files/boundedRead';
import { externalRef, resolveExternalData } from './externalData';
import { readModelWithoutWeights } from './modelWithoutWeights';
import { detachFromBuffer, detachFromFileBuffer } from './weightsOnDisk';
import { ranges, REFERENCE_MIN_BYTES, type FileRange, type InitializerSources } from './initializerSources';
import { longToNumber } from './tensorData';

export const GiB = 1024 * 1024 * 1024;
/** Largest protobuf message protobufjs and ORT accept. */
export const PROTOBUF_LIMIT_BYTES = 2 * GiB - 1;
/** Oldest ai.onnx opset onnxruntime still implements. */
export const MIN_ONNX_OPSET = 7;
/** Newest ai.onnx opset onnxruntime-node 1.30 loads (measured: 27 is refused). */
export const MAX_ONNX_OPSET = 26;
/** Newest IR version onnxruntime-node 1.30 loads (measured: 14 is refused). */
export const MAX_IR_VERSION = 13;

export interface LoadOptions {
  /** Largest .onnx file accepted, bytes (default and maximum: the 2 GiB protobuf limit). */
  maxBytes?: number;
  /** Largest sum of external data accepted, bytes (default 2 GiB). */
  maxExternalBytes?: number;
  /** Inline external data into rawData (default true); see the 2 GB note at the top. */
  inlineExternalData?: boolean;
  /**
   * Most external bytes inlined (default: what keeps the whole model under the 2 GB protobuf
   * limit). A caller that never encodes the whole model, only parts of it (the profiler encodes
   * one segment at a time and gives ORT the file path for the whole model), may raise it.
   */
  inlineLimitBytes?: number;
}

export interface LoadedModel {
  proto: onnx.ModelProto;
  /** Absolute folder of the model file (external data is resolved against it). */
  dir: string;
  fileName: string;
  fileBytes: number;
  /** Bytes of external data referenced (0 when the model is self-contained). */
  externalBytes: number;
  /** External data location as written in the model -> validated real path. */
  externalFiles: Map<string, string>;
  /** ai.onnx opset version the model imports. */
  opset: number;
  /**
   * Where each initializer's bytes lie in the model's files (the .onnx itself, or the external
   * data it names), so parts of the model reach ORT without re-encoding their weights.
   */
  initializerSources: InitializerSources;
}

// First bytes of files people mistake for ONNX models.
const KNOWN_MAGIC: { bytes: number[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (a PyTorch checkpoint or .ort package?)' },
  { bytes: [0x47, 0x47, 0x55, 0x46], what: 'a GGUF file' },
  { bytes: [0x89, 0x48, 0x44, 0x46], what: 'an HDF5 file (Keras?)' },
  { bytes: [0x1f, 0x8b], what: 'a gzip file' },
  { bytes: [0x80, 0x02], what: 'a Python pickle' },
];
const LFS_POINTER = 'version https://git-lfs';

// Tag bytes (field << 3 | wire type) that can start an encoded ModelProto: fields 1-8 and 14.
const MODEL_PROTO_FIRST_TAGS = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72]);
// Multi-byte tags of training_info (20), functions (25), configuration (26).
const MODEL_PROTO_FIRST_TAGS_2 = new Set([0xa2, 0xca, 0xd2]);

function sniff(bytes: Uint8Array, where: string): void {
  for (const m of KNOWN_MAGIC) {
    if (m.bytes.every((b, i) => bytes[i] === b)) throw new InputError(where, `not an ONNX model: this is ${m.what}`);
  }
  const head = new TextDecoder().decode(bytes.subarray(0, 64));
  if (head.startsWith(LFS_POINTER)) {
    throw new InputError(where, 'not an ONNX model: this is a git-lfs pointer file (run `git lfs pull`)');
  }
  if (head.trimStart().startsWith('{') || (bytes.length > 8 && bytes[8] === 0x7b)) {
    throw new InputError(where, 'not an ONNX model: this looks like JSON or a safetensors file');
  }
  const b0 = bytes[0];
  const ok = MODEL_PROTO_FIRST_TAGS.has(b0) || (MODEL_PROTO_FIRST_TAGS_2.has(b0) && bytes[1] === 0x01);
  if (!ok) {
    const hex = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new InputError(where, `not an ONNX model: first bytes [${hex}] do not start a protobuf ModelProto`);
  }
}

function decodeModel(bytes: Uint8Array, where: string): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // protobufjs says "index out of range: <pos> + <need> > <len>" when data ends mid-field.
    const truncated = /index out of range/.test(msg);
    throw new InputError(
      where,
      truncated
        ? `ONNX protobuf is truncated or corrupt (${msg}; file is ${bytes.length} bytes)`
        : `not a valid ONNX ModelProto: protobuf decode failed (${msg})`,
    );
  }
}

/** Checks what every later stage assumes; returns the ai.onnx opset. */
export function validateModelProto(proto: onnx.IModelProto, where: string): number {
  const ir = longToNumber(proto.irVersion);
  if (ir <= 0) throw new InputError(where, 'ModelProto has no ir_version (not an ONNX model, or corrupt)');
  if (ir > MAX_IR_VERSION) {
    throw new InputError(where, `IR version ${ir} is newer than onnxruntime-node 1.30 supports (max ${MAX_IR_VERSION})`);
  }
  const g = proto.graph;
  if (!g) throw new InputError(where, 'ModelProto has no graph');
  const opsets = proto.opsetImport ?? [];
  const main = opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx' || o.domain === undefined || o.domain === null);
  if (!main) throw new InputError(where, 'model imports no ai.onnx opset');
  const opset = longToNumber(main.version);
  if (opset < MIN_ONNX_OPSET || opset > MAX_ONNX_OPSET) {
    throw new InputError(where, `ai.onnx opset ${opset} is outside what onnxruntime-node 1.30 runs (${MIN_ONNX_OPSET}..${MAX_ONNX_OPSET})`);
  }
  if (!g.node || g.node.length === 0) throw new InputError(where, 'graph has no nodes');
  if (!g.output || g.output.length === 0) throw new InputError(where, 'graph has no outputs');
  const imported = new Set(opsets.map((o) => o.domain ?? ''));
  imported.add('ai.onnx');
  for (const n of g.node) {
    const d = n.domain ?? '';
    if (d !== '' && !imported.has(d)) {
      throw new InputError(where, `node '${n.name ?? ''}' (${n.opType}) uses domain '${d}' that the model does not import`);
    }
  }
  return opset;
}

/**
 * Files from this size are decoded without their large initializers' bytes (modelWithoutWeights.ts
 * says why); smaller ones cost little to read whole.
 */
export const READ_WITHOUT_WEIGHTS_MIN_BYTES = 4 * 1024 * 1024;

interface DecodedFile {
  proto: onnx.ModelProto;
  fileBytes: number;
  /** Ranges in the .onnx file of initializers' bytes (sources of the weights on disk). */
  initializerSources: InitializerSources;
  /** Makes the proto independent of what was read (large bytes on demand), frees the rest. */
  detach(dir: string): void;
}

/** The file decoded without its large weights' bytes, or null to read it whole (small or unusual). */
export async function decodeWithoutWeights(abs: string, maxBytes: number): Promise<DecodedFile | null> {
  const { handle, size } = await openCheckedFile(abs, { label: 'model file', maxBytes });
  try {
    if (size < READ_WITHOUT_WEIGHTS_MIN_BYTES) return null;
    const head = Buffer.alloc(64);
    await handle.read(head, 0, 64, 0);
    sniff(head, abs);
    const read = readModelWithoutWeights(handle.fd, size, REFERENCE_MIN_BYTES);
    if (!read) return null;
    let proto: onnx.ModelProto;
    try {
      proto = onnx.ModelProto.decode(read.bytes);
    } catch {
      return null; // the whole file's decode names the fault
    }
    const initializers = proto.graph?.initializer ?? [];
    const fileName = path.basename(abs);
    const initializerSources: InitializerSources = new Map();
    // Those left out (read.bytes lacks them) read their range on demand once detached.
    const onDisk: InitializerSources = new Map();
    for (const r of read.rawData) {
      const t = initializers[r.initializer];
      if (!t) continue;
      const range = { location: fileName, offset: r.offset, length: r.length };
      initializerSources.set(t, range);
      if (r.length >= REFERENCE_MIN_BYTES) onDisk.set(t, range);
    }
    return { proto, fileBytes: size, initializerSources, detach: (dir) => detachFromBuffer(proto, read.bytes, onDisk, dir) };
  } finally {
    await handle.close();
  }
}

/** The whole file read and decoded: `bytes` fields view the file's buffer until detach(). */
async function decodeWholeFile(abs: string, maxBytes: number): Promise<DecodedFile> {
  const file = await readReleasableFile(abs, { label: 'model file', maxBytes });
  const bytes = file.bytes;
  if (bytes.byteLength === 0) throw new InputError(abs, 'model file is empty');
  sniff(bytes, abs);
  const proto = decodeModel(bytes, abs);
  // Offsets of the initializers' bytes in the file, recorded before external data is inlined
  // (which forgets its locations).
  const initializerSources = ranges(proto.graph?.initializer ?? [], bytes, path.basename(abs));
  return {
    proto,
    fileBytes: bytes.byteLength,
    initializerSources,
    detach: (dir) => {
      // The proto no longer views the file's buffer: give its memory back now.
      detachFromFileBuffer(proto, bytes, initializerSources, dir);
      file.release();
    },
  };
}

/** Reads, decodes and validates an .onnx file; external data is resolved and (by default) inlined. */
export async function loadOnnxModel(filePath: string, opts: LoadOptions = {}): Promise<LoadedModel> {
  const abs = path.resolve(filePath);
  const where = abs;
  const maxBytes = Math.min(opts.maxBytes ?? PROTOBUF_LIMIT_BYTES, PROTOBUF_LIMIT_BYTES);
  const maxExternalBytes = opts.maxExternalBytes ?? 2 * GiB;
  const inline = opts.inlineExternalData ?? true;

  const decoded = (await decodeWithoutWeights(abs, maxBytes)) ?? (await decodeWholeFile(abs, maxBytes));
  const { proto, fileBytes, initializerSources } = decoded;
  const opset = validateModelProto(proto, where);

  const dir = path.dirname(abs);
  const initializers = proto.graph?.initializer ?? [];
  const external = initializers.filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL).map(externalRef);
  const ext = await resolveExternalData(proto, dir, where, {
    maxExternalBytes,
    inline,
    inlineLimitBytes: opts.inlineLimitBytes ?? PROTOBUF_LIMIT_BYTES - fileBytes,
  });
  for (const ref of external) {
    const length = ref.length ?? ref.tensor.rawData?.byteLength;
    if (length !== undefined) initializerSources.set(ref.tensor, { location: ref.location, offset: ref.offset, length } satisfies FileRange);
  }
  decoded.detach(dir);
  return {
    proto,
    dir,
    fileName: path.basename(abs),
    fileBytes,
    externalBytes: ext.externalBytes,
    externalFiles: ext.files,
    opset,
    initializerSources,
  };
}
