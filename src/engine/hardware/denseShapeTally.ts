// The dense baseline's shapes, tallied as a trace's (step, layer) groups go by.
//
// A group's dense figures depend only on its shape (denseShapeKey: context length, query rows,
// rows, head dim), and the shape's rows only once the whole trace is read (the trace's heads: the
// largest head id). So each group is tallied under what its shape is made of that the group itself
// tells (rows, context length, head dim, prompt pass or not), and each layer counts its groups of
// each shape (LayerSums). At the end the figures are worked out once per denseShapeKey and added
// as count x figure: no per-group record, no pass over every group. The figures are whole numbers
// of cycles, bytes and operations (SRAM bytes at worst in eighths, a head's vector as datapath
// words), so count x figure is the sum of `count` additions exactly, in any order.
import type { Trace, TraceRow } from '../trace/trace';
import { newRowView } from '../trace/traceColumns';
import { denseShapeKey } from './denseBaseline';

export class DenseShapeTally {
  // Each shape's first group: its step, layer, head dim, context length and rows (in order of first sight).
  private readonly step: number[] = [];
  private readonly layer: number[] = [];
  private readonly headDim: number[] = [];
  private readonly length: number[] = [];
  private readonly size: number[] = [];
  /** Groups of each shape, over all layers. */
  readonly groups: number[] = [];
  private readonly index = new Map<string, number>();
  // The last group's shape: consecutive groups mostly share it (the layers of a step), so the
  // index is looked up only where it changes (compared against that shape's first group, which
  // has the same fields the key is made of).
  private last = -1;
  // The row figures() hands each shape's first group in (refilled shape after shape).
  private readonly row = newRowView().row;

  /** Tally a group of `size` rows headed by a row of these fields; its shape's number. */
  add(step: number, layer: number, headDim: number, length: number, size: number): number {
    const prompt = step < 0;
    const l = this.last;
    if (l < 0 || size !== this.size[l] || length !== this.length[l] || headDim !== this.headDim[l] || prompt !== this.step[l] < 0) {
      const key = `${size}|${length}|${headDim}|${prompt ? 1 : 0}`;
      let s = this.index.get(key);
      if (s === undefined) {
        s = this.groups.push(0) - 1;
        this.index.set(key, s);
        this.step.push(step);
        this.layer.push(layer);
        this.headDim.push(headDim);
        this.length.push(length);
        this.size.push(size);
      }
      this.last = s;
    }
    this.groups[this.last]++;
    return this.last;
  }

  /** The sum over the groups of their shape's value (perShape: one per shape, index = shape number). */
  sumOverGroups(perShape: readonly number[]): number {
    let total = 0;
    for (let s = 0; s < perShape.length; s++) total += this.groups[s] * perShape[s];
    return total;
  }

  /**
   * `figure` of each shape (index = shape number) under the trace's heads and mode, called once
   * per denseShapeKey (shapes the key does not tell apart, such as group sizes up to the heads,
   * share the first one's) with a row carrying the first group's step, layer, head dim and
   * context length (refilled: valid during the call) and the group's rows.
   */
  figures<T>(heads: number, mode: Trace['mode'], figure: (first: TraceRow, size: number) => T): T[] {
    const row = this.row;
    const byKey = new Map<string, T>();
    const out: T[] = [];
    for (let s = 0; s < this.groups.length; s++) {
      row.step = this.step[s];
      row.layer = this.layer[s];
      row.headDim = this.headDim[s];
      row.sentenceLength = this.length[s];
      const key = denseShapeKey(row, this.size[s], heads, mode);
      let f = byKey.get(key);
      if (f === undefined) byKey.set(key, (f = figure(row, this.size[s])));
      out.push(f);
    }
    return out;
  }
}
