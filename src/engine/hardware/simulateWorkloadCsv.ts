// simulate() straight from a workload CSV file, the CLI's path: each (step, layer) group is timed
// as soon as the reader has it and the group after it (the head top-k is inferred from the next
// group's size), through a window of a few pieces' rows, so no column of the whole trace is held.
// On a million-row trace that saves writing (and first touching) ~90 bytes of columns per row.
//
// The groups go in the order simulateColumns takes them only when the file is already in
// (step, layer, head) order, as the authors' files and the engine's are; a file that is not, or
// is not plain (workloadCsvChunks.ts), or a run that wants a timeline, takes the columnar path:
// the whole file read into columns, then simulateColumns. Either way the figures are the same.
import type { Trace } from '../trace/trace';
import type { TraceColumns } from '../trace/traceColumns';
import { readWorkloadCsvColumnsFile, WORKLOAD_CSV_READ_OPTIONS } from '../trace/workloadCsv';
import { streamPlainWorkloadCsv } from '../trace/workloadCsvChunks';
import type { QueriesPerRow } from '../trace/workloadCsvSchema';
import { groupKey } from './denseBaseline';
import type { HardwareConfig } from './hardwareConfig';
import { denseDramBytesOfColumns, resolvedConventions, simulateColumns, type SimulateOptions } from './simulate';
import type { SimulationResult } from './simulationResult';
import { inferredHeadTopK, TraceSimulator } from './traceSimulator';

/** A simulation of a workload CSV, and its dense baseline's DRAM bytes at 8 bits (the CLI's int8 comparison). */
export interface WorkloadCsvSimulation {
  result: SimulationResult;
  denseDramBytes8bit: number;
  /** The trace's mode (from --queries, or an engine trace's query counts). */
  mode: Trace['mode'];
}

/**
 * Simulate the workload CSV at `path` (InputError when it is missing, oversized or malformed).
 * opts.onProgress gets the fraction of the file read.
 */
export function simulateWorkloadCsvFile(path: string, c: HardwareConfig, opts: SimulateOptions & { queries?: QueriesPerRow }): WorkloadCsvSimulation {
  const streamed = simulateWorkloadCsvStreaming(path, c, opts);
  if (streamed) return streamed;
  const trace = readWorkloadCsvColumnsFile(path, { queries: opts.queries });
  return { result: simulateColumns(trace, c, opts), denseDramBytes8bit: denseDramBytesOfColumns(trace, c, 8), mode: trace.trace.mode };
}

/** The order check of groupColumns, carried from window to window: the last row's group key and head, and the rows of the window already checked. */
interface OrderCheck {
  prevKey: number;
  prevHead: number;
  checked: number;
}

// The loops over a window's rows are functions of their own rather than inside the reader's
// callback, and nothing but a return follows each loop: V8 compiles a hot loop on its own
// (on-stack replacement) and keeps that code for the next call, so code after the loop that had
// not run yet when it was compiled sent it back to the interpreter there, on every piece of the
// file (67 pieces, 67 trips back to the interpreter).

/** True when rows [from, n) continue the (step, layer, head) order after a row of group key prevKey and head prevHead. */
function inOrder(cols: TraceColumns, from: number, n: number, prevKey: number, prevHead: number): boolean {
  const { step, layer, head } = cols;
  for (let i = from; i < n; i++) {
    const key = groupKey(step[i], layer[i]);
    if (key < prevKey || (key === prevKey && head[i] < prevHead)) return false;
    prevKey = key;
    prevHead = head[i];
  }
  return true;
}

/** Where each (step, layer) group of the window's n rows starts (the caller adds n after them). */
function groupStarts(cols: TraceColumns, n: number, starts: number[]): number[] {
  const { step, layer } = cols;
  starts.length = 0;
  for (let i = 0; i < n; i++) if (i === 0 || step[i] !== step[i - 1] || layer[i] !== layer[i - 1]) starts.push(i);
  return starts;
}

/**
 * Time the window's groups that are complete, with their head top-k (inferred from the next
 * group's size); returns the rows taken. Before the file's end the last group may go on in the
 * next piece, so the one before it (whose head top-k depends on it) waits too.
 */
function addReadyGroups(sim: TraceSimulator, cols: TraceColumns, eof: boolean, starts: readonly number[], c: HardwareConfig, seed: number): number {
  const { step, layer } = cols;
  const groups = starts.length - 1;
  const ready = eof ? groups : groups - 2;
  for (let g = 0; g < ready; g++) {
    const from = starts[g];
    const size = starts[g + 1] - from;
    const next = g + 1 < groups;
    const headCall = inferredHeadTopK(step[from], layer[from], size, next ? step[starts[g + 1]] : 0, next ? starts[g + 2] - starts[g + 1] : -1, c, seed);
    sim.addGroup(cols, undefined, from, size, headCall);
  }
  return ready > 0 ? starts[ready] : 0;
}

/**
 * The streaming path alone: undefined when the file is not plain or not in (step, layer, head)
 * order (or the run wants a timeline), and the columnar path must run. `chunkBytes`: the read
 * buffer's size (tests cross many piece boundaries with small ones).
 */
export function simulateWorkloadCsvStreaming(path: string, c: HardwareConfig, opts: SimulateOptions & { queries?: QueriesPerRow }, chunkBytes?: number): WorkloadCsvSimulation | undefined {
  if (opts.timeline) return undefined;
  const seed = opts.seed ?? 1;
  // A plain CSV has no unquantized_bit column: the trace's own is undefined.
  const sim = new TraceSimulator(c, opts, resolvedConventions({}, opts), 0);
  const order: OrderCheck = { prevKey: -1, prevHead: 0, checked: 0 };
  const starts: number[] = [];
  const take = (cols: TraceColumns, n: number, eof: boolean, fraction: number): number => {
    if (!inOrder(cols, order.checked, n, order.prevKey, order.prevHead)) return -1; // not in order: the columnar path sorts it
    if (n > 0) {
      order.prevKey = groupKey(cols.step[n - 1], cols.layer[n - 1]);
      order.prevHead = cols.head[n - 1];
    }
    order.checked = n;
    groupStarts(cols, n, starts).push(n);
    const taken = addReadyGroups(sim, cols, eof, starts, c, seed);
    opts.onProgress?.(fraction);
    order.checked -= taken;
    return taken;
  };
  const read = streamPlainWorkloadCsv(path, { queries: opts.queries, fileName: path }, WORKLOAD_CSV_READ_OPTIONS, take, { chunkBytes });
  if (!read) return undefined;
  const { model, mode } = read.trace.trace;
  return { result: sim.finish(model.heads, mode), denseDramBytes8bit: sim.denseDramBytes(model.heads, mode, 8), mode };
}
