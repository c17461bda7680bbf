// The one way the profiler reads a file the user named (models, text and batch files, policy and
// hardware JSON, workload CSVs, tokenizers, .npy inputs, llama2.c checkpoints). Every read:
// - opens first and checks the opened descriptor (fstat), so a path swapped between a check and
//   the read cannot slip a device in, and a size of 0 (what devices and FIFOs report) is not
//   mistaken for an empty file;
// - opens with O_NONBLOCK, so a FIFO with no writer is refused instead of hanging the open;
// - accepts regular files only (no directory, FIFO, socket, device, or /proc and /sys pseudo-file,
//   whose reported size says nothing about what reading them yields);
// - stops at a byte cap per kind of file, even when the file grows while it is read.
// Every refusal is an InputError naming the path, so the CLI prints one line and the extension a message.
import * as fs from 'node:fs';
import { InputError } from '../errors';
import { nonRegularKind, pseudoFileRoot } from './specialPaths';

const MiB = 1024 * 1024;

/** What a file is for: its name in messages and the most bytes read. */
export interface FileKind {
  label: string;
  maxBytes: number;
}

/** The byte cap of every kind of input file, in one place. */
export const INPUT_FILE_KINDS = {
  inputs: { label: 'inputs file', maxBytes: 16 * MiB },
  policy: { label: 'policy file', maxBytes: 1 * MiB },
  hardware: { label: 'hardware file', maxBytes: 1 * MiB },
  settingsJson: { label: 'settings file', maxBytes: 1 * MiB },
  // id2label of a 21k-class classifier is about 1 MB.
  modelConfig: { label: 'config.json', maxBytes: 16 * MiB },
  workloadCsv: { label: 'workload CSV', maxBytes: 256 * MiB },
  tokenizerJson: { label: 'tokenizer file', maxBytes: 64 * MiB },
  tokenizerBin: { label: 'llama2.c tokenizer', maxBytes: 64 * MiB },
  npy: { label: '.npy file', maxBytes: 1024 * MiB },
  llama2cCheckpoint: { label: 'llama2.c checkpoint', maxBytes: 1536 * MiB },
} as const satisfies Record<string, FileKind>;

export interface ReadOptions {
  /** Replaces the "<label> not found" message (e.g. to also say which preset names exist). */
  notFound?: string;
}

// Windows has no O_NONBLOCK (and no FIFOs reachable by path); 0 leaves the flags as they are.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function openFailure(e: unknown, file: string, kind: FileKind, opts: ReadOptions): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new InputError(file, opts.notFound ?? `${kind.label} not found`);
  // Windows refuses to open a directory for reading (EISDIR / EPERM).
  if (code === 'EISDIR') return new InputError(file, 'not a regular file (a directory)');
  if (code === 'ENXIO') return new InputError(file, 'not a regular file (a FIFO or socket)');
  return new InputError(file, `cannot read ${kind.label} (${code ?? String(e)})`);
}

/** The resolved path, or the path as given if it vanished after it was opened (what was opened is checked by fstat). */
function realPathOr(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Refuses what is not a regular file (as fstat of the opened file says), a regular-looking file
 * of /proc or /sys, or a file over the cap; returns the size fstat reported.
 */
function checkOpened(st: fs.Stats, file: string, kind: FileKind): number {
  const special = nonRegularKind(st);
  if (special) throw new InputError(file, `not a regular file (${special})`);
  const root = pseudoFileRoot(realPathOr(file));
  if (root) throw new InputError(file, `not a regular file (a ${root} pseudo-file)`);
  if (st.size > kind.maxBytes) throw new InputError(file, `${kind.label} is ${st.size} bytes, over the ${kind.maxBytes}-byte limit`);
  return st.size;
}

// One byte more than fstat's size: reading that byte means the file grew after fstat.
function readBuffer(size: number): Buffer {
  return Buffer.allocUnsafe(size + 1);
}

/** ES2024's resizable ArrayBuffer (Node 20+), which this project's TypeScript lib does not declare yet. */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
const ResizableArrayBufferCtor = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

// The same in a resizable ArrayBuffer, whose memory resize(0) returns at once (ReleasableBytes).
function releasableBuffer(size: number): Buffer {
  return Buffer.from(new ResizableArrayBufferCtor(size + 1, { maxByteLength: size + 1 }));
}

/** The bytes read; a file that grew after fstat is refused rather than read in part. */
function filled(buf: Buffer, got: number, file: string, kind: FileKind): Uint8Array {
  if (got === buf.length) throw new InputError(file, `${kind.label} changed while it was read`);
  return new Uint8Array(buf.buffer, buf.byteOffset, got);
}

/**
 * Open a file to read in pieces, with readBoundedFileSync's checks and errors: its descriptor (the
 * caller closes it) and the size fstat reported.
 */
export function openBoundedFileSync(file: string, kind: FileKind, opts: ReadOptions = {}): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw openFailure(e, file, kind, opts);
  }
  try {
    return { fd, size: checkOpened(fs.fstatSync(fd), file, kind) };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** The bytes of a regular file of at most `kind.maxBytes` bytes (synchronous: small files). */
export function readBoundedFileSync(file: string, kind: FileKind, opts: ReadOptions = {}): Uint8Array {
  const { fd, size } = openBoundedFileSync(file, kind, opts);
  try {
    const buf = readBuffer(size);
    let got = 0;
    for (let n = -1; n !== 0 && got < buf.length; got += n) n = fs.readSync(fd, buf, got, buf.length - got, null);
    return filled(buf, got, file, kind);
  } finally {
    fs.closeSync(fd);
  }
}

/** As readBoundedFileSync, without blocking the event loop (models, checkpoints: up to GBs). */
export async function readBoundedFile(file: string, kind: FileKind, opts: ReadOptions = {}): Promise<Uint8Array> {
  return readInto(file, kind, opts, readBuffer);
}

/**
 * A file's bytes whose memory the reader gives back when it is done with them, without waiting
 * for a garbage collection (which an 80 MB buffer that became garbage may not get for the rest of
 * a profile). After release() every view of `bytes` is empty.
 */
export interface ReleasableBytes {
  bytes: Uint8Array;
  release(): void;
}

/** As readBoundedFile, into memory the caller releases (a model file: onnxModelLoader.ts). */
export async function readReleasableFile(file: string, kind: FileKind, opts: ReadOptions = {}): Promise<ReleasableBytes> {
  const bytes = await readInto(file, kind, opts, releasableBuffer);
  const buffer = bytes.buffer as Partial<ResizableArrayBuffer>;
  // A runtime without resizable buffers ignores maxByteLength: the memory then waits for the GC.
  return { bytes, release: () => buffer.resize?.(0) };
}

/**
 * The file opened and checked as every read here checks it (a regular file within the cap), for a
 * caller that reads parts of it itself (onnx/modelWithoutWeights.ts); the caller closes it.
 */
export async function openCheckedFile(file: string, kind: FileKind, opts: ReadOptions = {}): Promise<{ handle: fs.promises.FileHandle; size: number }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, OPEN_FLAGS);
  } catch (e) {
    throw openFailure(e, file, kind, opts);
  }
  try {
    return { handle, size: checkOpened(await handle.stat(), file, kind) };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

async function readInto(file: string, kind: FileKind, opts: ReadOptions, allocate: (size: number) => Buffer): Promise<Uint8Array> {
  const { handle, size } = await openCheckedFile(file, kind, opts);
  try {
    const buf = allocate(size);
    let got = 0;
    for (let n = -1; n !== 0 && got < buf.length; got += n) n = (await handle.read(buf, got, buf.length - got, null)).bytesRead;
    return filled(buf, got, file, kind);
  } finally {
    await handle.close();
  }
}

const utf8 = new TextDecoder('utf-8');

/** Text of a file as UTF-8, without the byte-order mark editors on Windows put first. */
export function decodeText(bytes: Uint8Array): string {
  // TextDecoder strips a leading BOM by default (ignoreBOM: false).
  return utf8.decode(bytes);
}

export function readTextFileSync(file: string, kind: FileKind, opts: ReadOptions = {}): string {
  return decodeText(readBoundedFileSync(file, kind, opts));
}

export async function readTextFile(file: string, kind: FileKind, opts: ReadOptions = {}): Promise<string> {
  return decodeText(await readBoundedFile(file, kind, opts));
}
