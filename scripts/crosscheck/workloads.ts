// The crosscheck's workloads: single steps (one bert.cpp run each) in four families.
// - gpt2-trace: every iteration of the authors' four GPT-2 traces (../shared/spatten-traces), read
//   as generation rows (one query per row);
// - bert-pruned / bert-dense: seeded random BERT shapes (L 32..512, 12 or 16 heads, D 64, 12 or
//   24 layers), with the cascade token pruning schedule of REFERENCE.md (no pruning in the first
//   max(3, ceil(0.15 N)) layers, then keep falls linearly to a random final keep) and sometimes
//   head pruning, or dense;
// - gpt2-random: seeded random GPT-2 shapes (12 x 12 or 24 x 16), a context of 1..1024 tokens, a
//   generation step (1 query) or a prompt pass (all queries), random per-layer keep, local V
//   pruning, and a last-layer top-k that selects from the whole context (k may exceed the keys).
// Widths are drawn from {-1, 4, 6, 8, 12}; BERT rows have no local V pruning and no refetch. The token top-k sits on the layer's last head (as the
// engine records it) or on every head (bert.cpp allows one per row; this exercises its seed counter).
import path from 'node:path';
import { readdirSync } from 'node:fs';
import type { TraceRow } from '../../src/engine/trace/trace';
import { readWorkloadCsvFile } from '../../src/engine/trace/workloadCsv';
import { mixSeed, seededRandom } from '../../src/engine/seededRandom';
import { ROOT } from './bertCpp';

export const FAMILIES = ['gpt2-trace', 'bert-pruned', 'bert-dense', 'gpt2-random'] as const;
export type Family = (typeof FAMILIES)[number];

export interface Workload {
  name: string;
  family: Family;
  /** Rows of one step, all layers. */
  rows: TraceRow[];
  heads: number;
}

export const TRACES_DIR = path.resolve(ROOT, '../shared/spatten-traces');
const WIDTHS = [-1, 4, 6, 8, 12];

/** Every iteration of each authors' GPT-2 trace (`maxSteps` per trace when given). */
export function traceWorkloads(maxSteps = Infinity, only?: string): Workload[] {
  const files = readdirSync(TRACES_DIR).filter((f) => /^gpt2-.*\.csv$/.test(f) && (only === undefined || f === only)).sort();
  const out: Workload[] = [];
  for (const f of files) {
    const trace = readWorkloadCsvFile(path.join(TRACES_DIR, f), { queries: 'one' });
    const bySteps = new Map<number, TraceRow[]>();
    for (const r of trace.rows) {
      if (r.step >= maxSteps) continue;
      let rows = bySteps.get(r.step);
      if (!rows) bySteps.set(r.step, (rows = []));
      rows.push({ ...r, step: 0 });
    }
    for (const [step, rows] of bySteps) out.push({ name: `${f.replace(/\.csv$/, '')}#${step}`, family: 'gpt2-trace', rows, heads: trace.model.heads });
  }
  return out;
}

type Rand = () => number;
const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

interface Shape {
  layers: number;
  heads: number;
  queries: number;
  context: number;
  /** Keys fetched per layer (non-increasing). */
  keys: number[];
  /** Heads alive per layer (cascade: non-increasing). */
  alive: number[];
  /** k of the layer's token top-k (undefined: none). */
  topK: (number | undefined)[];
  everyHeadTopK: boolean;
  keyBits: number;
  valueBits: number;
  queryBits: number;
  valueFraction: number;
  /** Fraction of rows whose K LSBs are refetched (BERT used static quantization only: 0). */
  refetchRate: number;
}

function shapeRows(s: Shape, rand: Rand): TraceRow[] {
  const rows: TraceRow[] = [];
  for (let layer = 0; layer < s.layers; layer++) {
    const keys = s.keys[layer];
    for (let head = 0; head < s.alive[layer]; head++) {
      const k = s.topK[layer];
      const lastHead = head === s.alive[layer] - 1;
      const refetch = s.keyBits > 0 && s.keyBits < 12 && rand() < s.refetchRate;
      const row: TraceRow = {
        step: 0, layer, head, headDim: 64, sentenceLength: s.context, queries: s.queries,
        keysFetched: keys, valuesFetched: Math.max(1, Math.round(keys * s.valueFraction)),
        keyBits: s.keyBits, valueBits: s.valueBits, queryBits: s.queryBits,
        requantThreshold: refetch ? 0.05 : -1, lsbBits: refetch ? 4 : -1, refetchedQueries: refetch ? s.queries : 0,
        accumulateImportance: true, rescaleImportance: false,
      };
      if (k !== undefined && (s.everyHeadTopK || lastHead)) row.tokenTopK = { n: k > keys ? s.context : keys, k };
      if (row.valuesFetched < keys) row.localVTopK = { n: keys, k: row.valuesFetched };
      rows.push(row);
    }
  }
  return rows;
}

function widths(rand: Rand): Pick<Shape, 'keyBits' | 'valueBits' | 'queryBits'> {
  return { keyBits: pick(rand, WIDTHS), valueBits: pick(rand, WIDTHS), queryBits: pick(rand, [16, -1]) };
}

/** Heads alive per layer: all, or cascade head pruning after the first 30% of layers. */
function aliveHeads(rand: Rand, layers: number, heads: number, prune: boolean): number[] {
  const alive: number[] = [];
  let h = heads;
  for (let l = 0; l < layers; l++) {
    if (prune && l >= Math.ceil(0.3 * layers) && rand() < 0.3) h = Math.max(1, h - int(rand, 1, 2));
    alive.push(h);
  }
  return alive;
}

function bertShape(rand: Rand, pruned: boolean): Shape {
  const layers = pick(rand, [12, 24]);
  const heads = pick(rand, [12, 16]);
  const L = int(rand, 32, 512);
  const keys: number[] = [];
  const start = Math.max(3, Math.ceil(0.15 * layers));
  const finalKeep = 0.15 + 0.75 * rand();
  for (let l = 0; l < layers; l++) {
    const keep = !pruned || l < start ? 1 : 1 - ((1 - finalKeep) * (l - start + 1)) / (layers - start);
    keys.push(Math.max(1, Math.min(keys[l - 1] ?? L, Math.round(L * keep))));
  }
  const topK = keys.map((k, l) => (l + 1 < layers && keys[l + 1] < k ? keys[l + 1] : undefined));
  const alive = aliveHeads(rand, layers, heads, pruned && rand() < 0.5);
  return { layers, heads, queries: L, context: L, keys, alive, topK, everyHeadTopK: rand() < 0.3, ...widths(rand), valueFraction: 1, refetchRate: 0 };
}

function gpt2Shape(rand: Rand): Shape {
  const [layers, heads] = pick(rand, [[12, 12], [24, 16]] as const);
  const context = int(rand, 1, 1024);
  const prompt = rand() < 0.2;
  const keys: number[] = [];
  for (let l = 0; l < layers; l++) keys.push(Math.max(1, Math.min(keys[l - 1] ?? context, Math.round(context * (0.1 + 0.9 * rand())))));
  // Each layer's top-k picks the next layer's keys; the last picks the next step's from the whole context.
  const topK = keys.map((k, l) => (l + 1 < layers ? (keys[l + 1] < k ? keys[l + 1] : undefined) : Math.max(1, Math.round(context * (0.5 + 0.5 * rand())))));
  const alive = aliveHeads(rand, layers, heads, rand() < 0.5);
  const valueFraction = rand() < 0.5 ? 1 : 0.1 + 0.4 * rand();
  return { layers, heads, queries: prompt ? context : 1, context, keys, alive, topK, everyHeadTopK: rand() < 0.3, ...widths(rand), valueFraction, refetchRate: 0.1 };
}

/** `count` seeded random workloads of a family (the same seed always gives the same workloads). */
export function randomWorkloads(family: Exclude<Family, 'gpt2-trace'>, count: number, seed: number): Workload[] {
  const out: Workload[] = [];
  for (let i = 0; i < count; i++) {
    const rand = seededRandom(mixSeed(seed, FAMILIES.indexOf(family), i));
    const s = family === 'gpt2-random' ? gpt2Shape(rand) : bertShape(rand, family === 'bert-pruned');
    out.push({ name: `${family}#${i}`, family, rows: shapeRows(s, rand), heads: s.heads });
  }
  return out;
}
