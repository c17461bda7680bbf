// An .onnx file's ModelProto without the bytes of its large initializers, read through a small
// window instead of into one buffer the size of the file.
//
// Why: the engine never needs those bytes in JavaScript (the dense reference loads the file by
// path, segments reference the weights' ranges on disk, weightsOnDisk.ts reads one on demand), yet
// decoding the file the ordinary way reads all of it into fresh memory. On these machines the first
// touch of a page costs about 14 us (measured), so reading an 83 MB model that way cost about 0.3 s
// of page faults alone, a quarter of a plain ORT process's whole run.
//
// How: the three levels that lead to a weight are walked field by field (ModelProto.graph = 7,
// GraphProto.initializer = 5, TensorProto.raw_data = 9); a raw_data of at least `minSkipBytes` is
// left out and its range in the file recorded; every other field is copied as it is, and the two
// enclosing messages get their new lengths. protobufjs then decodes the result (a few hundred KB).
// Anything unusual on the way (a group, a length past the end, an overlong varint) returns null:
// the loader then reads the file the ordinary way, whose decoder names the fault precisely.
import * as fs from 'node:fs';

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const WINDOW_BYTES = 1 << 20;

/** Where one initializer's raw_data lies in the file. */
export interface RawDataRange {
  /** Index of the initializer in graph.initializer. */
  initializer: number;
  offset: number;
  length: number;
}

export interface ModelWithoutWeights {
  /** The ModelProto, the raw_data fields of at least minSkipBytes left out. */
  bytes: Uint8Array;
  /** Every initializer raw_data's range in the file (left out or not), in initializer order. */
  rawData: RawDataRange[];
}

/** Thrown inside the walk for anything the ordinary decoder should judge. */
class Unusual extends Error {}

/** Sequential reads of a file through one reused buffer. */
class FileWindow {
  private readonly buf = Buffer.allocUnsafe(WINDOW_BYTES);
  private start = 0;
  private end = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  private load(pos: number): void {
    if (pos >= this.size) throw new Unusual();
    const n = fs.readSync(this.fd, this.buf, 0, Math.min(WINDOW_BYTES, this.size - pos), pos);
    if (n <= 0) throw new Unusual();
    this.start = pos;
    this.end = pos + n;
  }

  byte(pos: number): number {
    if (pos < this.start || pos >= this.end) this.load(pos);
    return this.buf[pos - this.start];
  }

  /** A varint at pos: its value (exact below 2^53) and the position after it. */
  varint(pos: number): { value: number; next: number } {
    let value = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.byte(pos + i);
      value += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return { value, next: pos + i + 1 };
    }
    throw new Unusual();
  }

  /** Copies of bytes [from, to) (the window is reused, so pieces are copied out of it). */
  copy(from: number, to: number, out: Uint8Array[]): void {
    for (let pos = from; pos < to; ) {
      if (pos < this.start || pos >= this.end) this.load(pos);
      const take = Math.min(to, this.end) - pos;
      out.push(Uint8Array.prototype.slice.call(this.buf, pos - this.start, pos - this.start + take));
      pos += take;
    }
  }
}

function varintBytes(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

const total = (pieces: Uint8Array[]) => pieces.reduce((n, p) => n + p.byteLength, 0);

/** One field at pos within [.., limit): its number, wire type, payload range (wire type 2) and end. */
function field(w: FileWindow, pos: number, limit: number): { number: number; wire: number; payload: number; end: number } {
  const tag = w.varint(pos);
  const wire = tag.value % 8;
  const number = Math.floor(tag.value / 8);
  let payload = tag.next;
  let end: number;
  if (wire === 0) end = w.varint(tag.next).next;
  else if (wire === 1) end = tag.next + 8;
  else if (wire === 5) end = tag.next + 4;
  else if (wire === 2) {
    const len = w.varint(tag.next);
    payload = len.next;
    end = len.next + len.value;
  } else throw new Unusual(); // groups (3, 4) and the unused 6, 7
  if (end > limit || number === 0) throw new Unusual();
  return { number, wire, payload, end };
}

/**
 * The fields of the message at [from, to), re-emitted into `out`; `inner` may emit a
 * length-delimited field into the `out` it is given (returning true) instead of the copy.
 */
type FieldHandler = (number: number, fieldStart: number, payload: number, end: number, out: Uint8Array[]) => boolean;

function walk(w: FileWindow, from: number, to: number, out: Uint8Array[], inner: FieldHandler): void {
  // Fields are walked in file order, so each message's pieces come out in its own order.
  for (let pos = from; pos < to; ) {
    const f = field(w, pos, to);
    if (!(f.wire === 2 && inner(f.number, pos, f.payload, f.end, out))) w.copy(pos, f.end, out);
    pos = f.end;
  }
}

/** A length-delimited field with new contents: its original tag bytes, the new length, the pieces. */
function emit(w: FileWindow, fieldStart: number, pieces: Uint8Array[], out: Uint8Array[]): void {
  w.copy(fieldStart, w.varint(fieldStart).next, out);
  out.push(varintBytes(total(pieces)));
  for (const p of pieces) out.push(p);
}

/**
 * The ModelProto in `fd` (a regular file of `size` bytes) without the raw_data of initializers
 * of at least minSkipBytes, or null when its layout is unusual (the caller decodes the whole file).
 */
export function readModelWithoutWeights(fd: number, size: number, minSkipBytes: number): ModelWithoutWeights | null {
  const w = new FileWindow(fd, size);
  const out: Uint8Array[] = [];
  const rawData: RawDataRange[] = [];
  let initializer = 0;
  const tensor: FieldHandler = (number, fieldStart, payload, end, graph) => {
    if (number !== GRAPH_INITIALIZER) return false;
    const index = initializer++;
    const pieces: Uint8Array[] = [];
    let raw: RawDataRange | undefined;
    walk(w, payload, end, pieces, (n, _start, p, e) => {
      if (n !== TENSOR_RAW_DATA) return false;
      // protobufjs keeps the last occurrence of a bytes field; so does this record.
      raw = { initializer: index, offset: p, length: e - p };
      return e - p >= minSkipBytes;
    });
    if (raw) rawData.push(raw);
    emit(w, fieldStart, pieces, graph);
    return true;
  };
  try {
    walk(w, 0, size, out, (number, fieldStart, payload, end, model) => {
      if (number !== MODEL_GRAPH) return false;
      const graph: Uint8Array[] = [];
      walk(w, payload, end, graph, tensor);
      emit(w, fieldStart, graph, model);
      return true;
    });
  } catch (e) {
    if (e instanceof Unusual) return null;
    throw e;
  }
  return { bytes: Buffer.concat(out), rawData };
}
