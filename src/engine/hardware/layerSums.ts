// A layer's running sums while a trace's rows go into the cycle model, kept in typed arrays and
// turned into its LayerAcc once, at the end. Number properties updated row after row (a LayerAcc's
// counts and bytes, each head's) boxed a fresh heap number on most updates: about 40 MB of garbage
// on the million-row trace, a tenth of its time. Every sum is taken in the same order as before,
// one row or group after another, so the figures are the same to the last bit; the dense
// baseline's are count x figure per dense shape, whole numbers, so the same too
// (denseShapeTally.ts).
import type { HardwareConfig } from './hardwareConfig';
import { HARDWARE_UNITS, PIPELINE_STAGES } from './pipelinedTiming';
import type { RowWork } from './rowWork';
import { addCountsAt, countsAt, COUNT_SLOTS, type HeadAcc, type LayerAcc } from './simulationResult';

const NS = PIPELINE_STAGES.length;

// Slots of LayerSums.sums: the energy counts (countsAt's order), DRAM bytes by tensor, cycles,
// the lower bound, then the dense baseline's counts, bytes and cycles.
const COUNTS = 0;
const BYTES = COUNTS + COUNT_SLOTS; // kMsb, kLsb, v, q
const CYCLES = BYTES + 4;
const LOWER_BOUND = CYCLES + 1;
const DENSE_COUNTS = LOWER_BOUND + 1;
const DENSE_BYTES = DENSE_COUNTS + COUNT_SLOTS;
const DENSE_CYCLES = DENSE_BYTES + 1;
const SLOTS = DENSE_CYCLES + 1;

// Slots of one head in LayerSums.headSums: rows, memory-bound rows, DRAM bytes by tensor, busy
// cycles by pipeline stage.
const H_ROWS = 0;
const H_MEM_ROWS = 1;
const H_BYTES = 2;
const H_BUSY = H_BYTES + 4;
const HEAD_SLOTS = H_BUSY + NS;

/** A group's timing as a layer adds it up: cycles, lower bound, cycles by stage, busy cycles by unit. */
export interface GroupSums {
  cycles: number;
  lowerBound: number;
  stages: Float64Array;
  unitBusy: Float64Array;
}

/** A dense group's figures: its timing, energy counts (countsAt's order) and DRAM bytes. */
export interface DenseGroupSums extends GroupSums {
  counts: Float64Array;
  bytes: number;
}

export class LayerSums {
  private readonly sums = new Float64Array(SLOTS);
  private readonly stages: Float64Array;
  private readonly denseStages: Float64Array;
  private readonly unitBusy = new Float64Array(HARDWARE_UNITS.length);
  private readonly denseUnitBusy = new Float64Array(HARDWARE_UNITS.length);
  private headSums = new Float64Array(HEAD_SLOTS * 16);
  /** Head ids in the order first seen: the result lists a layer's heads so. */
  private readonly headOrder: number[] = [];
  private seen = new Uint8Array(16);
  /** The layer's groups of each dense shape (DenseShapeTally's numbers). */
  private denseShapeGroups = new Float64Array(8);

  constructor(stageCount: number) {
    this.stages = new Float64Array(stageCount);
    this.denseStages = new Float64Array(stageCount);
  }

  /** One trace row: its work `w`, its occupancy by pipeline stage `occ`, and whether it is memory bound. */
  addRow(w: RowWork, c: HardwareConfig, occ: Float64Array, memoryBound: boolean): void {
    const s = this.sums;
    addCountsAt(s, COUNTS, w, c);
    s[BYTES] += w.bytes.kMsb;
    s[BYTES + 1] += w.bytes.kLsb;
    s[BYTES + 2] += w.bytes.v;
    s[BYTES + 3] += w.bytes.q;
    const h = this.headSlot(w.head);
    const hs = this.headSums;
    hs[h + H_ROWS]++;
    for (let k = 0; k < NS; k++) hs[h + H_BUSY + k] += occ[k];
    if (memoryBound) hs[h + H_MEM_ROWS]++;
    hs[h + H_BYTES] += w.bytes.kMsb;
    hs[h + H_BYTES + 1] += w.bytes.kLsb;
    hs[h + H_BYTES + 2] += w.bytes.v;
    hs[h + H_BYTES + 3] += w.bytes.q;
  }

  /** Comparisons of a top-k that is not a row's (the head top-k after the layer). */
  addComparisons(n: number): void {
    this.sums[COUNTS + 2] += n;
  }

  addGroup(g: GroupSums): void {
    this.sums[CYCLES] += g.cycles;
    this.sums[LOWER_BOUND] += g.lowerBound;
    for (let k = 0; k < this.stages.length; k++) this.stages[k] += g.stages[k];
    for (let u = 0; u < this.unitBusy.length; u++) this.unitBusy[u] += g.unitBusy[u];
  }

  /** One more group of dense shape `shape` (its figures come at the end: addDenseShapes). */
  countDenseShape(shape: number): void {
    if (shape >= this.denseShapeGroups.length) {
      const grown = new Float64Array(Math.max(shape + 1, 2 * this.denseShapeGroups.length));
      grown.set(this.denseShapeGroups);
      this.denseShapeGroups = grown;
    }
    this.denseShapeGroups[shape]++;
  }

  /**
   * The dense figures of the layer's groups, given each shape's (index = shape): count x figure
   * per shape, which is the groups' sum exactly (whole numbers; see denseShapeTally.ts).
   */
  addDenseShapes(figures: readonly DenseGroupSums[]): void {
    const n = Math.min(figures.length, this.denseShapeGroups.length);
    for (let shape = 0; shape < n; shape++) {
      const groups = this.denseShapeGroups[shape];
      if (groups > 0) this.addDenseGroups(figures[shape], groups);
    }
  }

  private addDenseGroups(d: DenseGroupSums, groups: number): void {
    for (let k = 0; k < COUNT_SLOTS; k++) this.sums[DENSE_COUNTS + k] += groups * d.counts[k];
    this.sums[DENSE_BYTES] += groups * d.bytes;
    this.sums[DENSE_CYCLES] += groups * d.cycles;
    for (let k = 0; k < this.denseStages.length; k++) this.denseStages[k] += groups * d.stages[k];
    for (let u = 0; u < this.denseUnitBusy.length; u++) this.denseUnitBusy[u] += groups * d.unitBusy[u];
  }

  /** The sums as the result's assembly reads them. */
  toLayerAcc(): LayerAcc {
    const s = this.sums;
    const heads = new Map<number, HeadAcc>();
    for (const head of this.headOrder) {
      const h = head * HEAD_SLOTS;
      const hs = this.headSums;
      heads.set(head, {
        rows: hs[h + H_ROWS],
        busy: hs.slice(h + H_BUSY, h + H_BUSY + NS),
        memRows: hs[h + H_MEM_ROWS],
        bytes: { kMsb: hs[h + H_BYTES], kLsb: hs[h + H_BYTES + 1], v: hs[h + H_BYTES + 2], q: hs[h + H_BYTES + 3] },
      });
    }
    return {
      cycles: s[CYCLES],
      denseCycles: s[DENSE_CYCLES],
      lowerBoundCycles: s[LOWER_BOUND],
      stages: this.stages,
      denseStages: this.denseStages,
      unitBusy: this.unitBusy,
      denseUnitBusy: this.denseUnitBusy,
      bytes: { kMsb: s[BYTES], kLsb: s[BYTES + 1], v: s[BYTES + 2], q: s[BYTES + 3] },
      denseBytes: s[DENSE_BYTES],
      counts: countsAt(s, COUNTS),
      denseCounts: countsAt(s, DENSE_COUNTS),
      heads,
    };
  }

  /** Where head `head`'s sums start in headSums (made on first sight). */
  private headSlot(head: number): number {
    if (head >= this.seen.length) {
      const seen = new Uint8Array(Math.max(head + 1, 2 * this.seen.length));
      seen.set(this.seen);
      this.seen = seen;
      const sums = new Float64Array(seen.length * HEAD_SLOTS);
      sums.set(this.headSums);
      this.headSums = sums;
    }
    if (this.seen[head] === 0) {
      this.seen[head] = 1;
      this.headOrder.push(head);
    }
    return head * HEAD_SLOTS;
  }
}
