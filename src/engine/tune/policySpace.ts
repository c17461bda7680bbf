// The space `tune` searches: a SpAtten policy as a vector of discrete genes, each an index into a
// grid of settings, so that a candidate has a stable key (no policy is run twice), a mutation is a
// step to a neighbouring grid value (coordinate descent), and everything is reproducible from a
// seed. Genes:
//   token keep per layer   fraction of the context each layer keeps (1 = no pruning)
//   head keep per layer    fraction of the heads each layer keeps (multiples of 1/heads)
//   local V keep           fraction of V rows kept per query (1 = local V pruning off)
//   quantization           off, static K/V bits, or progressive K MSB bits (+4 LSB) with a threshold
//   protected positions    first (sink) and last (recent) positions never pruned
// A candidate becomes a policy JSON that `profile --policy FILE` accepts (candidatePolicy).
import type { SpattenPolicy } from '../spatten/policy';
import { headKeepCounts, tokenKeepFractions } from '../spatten/pruningSchedule';

export interface SpaceShape {
  layers: number;
  heads: number;
}

export const TOKEN_KEEP_GRID = [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1] as const;
export const LOCAL_V_GRID = [1, 0.9, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1] as const;
/** Quantization settings in order of fewer bits fetched. */
export const QUANT_GRID = [
  { mode: 'off' },
  { mode: 'static', keyBits: 12, valueBits: 12 },
  { mode: 'static', keyBits: 10, valueBits: 10 },
  { mode: 'static', keyBits: 8, valueBits: 8 },
  { mode: 'progressive', keyBits: 8, valueBits: 8, threshold: 0.1 },
  { mode: 'progressive', keyBits: 8, valueBits: 8, threshold: 0.05 },
  { mode: 'static', keyBits: 6, valueBits: 6 },
  { mode: 'progressive', keyBits: 6, valueBits: 6, threshold: 0.1 },
  { mode: 'progressive', keyBits: 6, valueBits: 6, threshold: 0.05 },
  { mode: 'progressive', keyBits: 6, valueBits: 6, threshold: 0.02 },
  { mode: 'progressive', keyBits: 4, valueBits: 4, threshold: 0.1 },
  { mode: 'progressive', keyBits: 4, valueBits: 4, threshold: 0.05 },
] as const;
export const SINK_GRID = [0, 1, 2, 4] as const;
export const RECENT_GRID = [0, 1, 4, 8] as const;

/** LSB bits of progressive quantization: the paper's split (MSB + 4 LSB). */
const KEY_LSB_BITS = 4;

/** A point of the space: grid indices. */
export interface Candidate {
  tokenKeep: number[];
  headKeep: number[];
  localV: number;
  quant: number;
  sink: number;
  recent: number;
}

export type GeneName = keyof Candidate;

/** Kept-head fractions a model with `heads` heads can have: heads/heads, (heads-1)/heads, ... 1/heads. */
export function headGrid(heads: number): number[] {
  return Array.from({ length: heads }, (_, i) => (heads - i) / heads);
}

/** Grid sizes of each gene (per layer for the arrays). */
function gridSize(gene: GeneName, shape: SpaceShape): number {
  switch (gene) {
    case 'tokenKeep':
      return TOKEN_KEEP_GRID.length;
    case 'headKeep':
      return shape.heads;
    case 'localV':
      return LOCAL_V_GRID.length;
    case 'quant':
      return QUANT_GRID.length;
    case 'sink':
      return SINK_GRID.length;
    case 'recent':
      return RECENT_GRID.length;
  }
}

/** A stable identity: two candidates with the same key are the same policy. */
export function candidateKey(c: Candidate): string {
  return `t${c.tokenKeep.join('.')}|h${c.headKeep.join('.')}|v${c.localV}|q${c.quant}|s${c.sink}|r${c.recent}`;
}

/** The dense point (every technique off): the reference the anchors are measured against. */
export function denseCandidate(shape: SpaceShape): Candidate {
  return { tokenKeep: Array<number>(shape.layers).fill(0), headKeep: Array<number>(shape.layers).fill(0), localV: 0, quant: 0, sink: 0, recent: 0 };
}

function nearestIndex(grid: readonly number[], value: number): number {
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (Math.abs(grid[i] - value) < Math.abs(grid[best] - value)) best = i;
  return best;
}

/** The nearest point of the space to a resolved policy (used to seed the search with the paper preset). */
export function nearestCandidate(p: SpattenPolicy, shape: SpaceShape): Candidate {
  const keep = p.tokenPruning.enabled ? tokenKeepFractions(p.tokenPruning.schedule, shape.layers) : new Float64Array(shape.layers).fill(1);
  const heads = p.headPruning.enabled ? headKeepCounts(p.headPruning.schedule, shape.layers, shape.heads) : new Int32Array(shape.layers).fill(shape.heads);
  const q = p.quantization;
  let quant = 0;
  if (q.mode !== 'off') {
    const scored = QUANT_GRID.map((g, i) => {
      const modeMiss = g.mode === q.mode ? 0 : 100;
      const bitsMiss = 'keyBits' in g ? Math.abs(g.keyBits - q.keyBits) + Math.abs(g.valueBits - q.valueBits) : 100;
      const thresholdMiss = 'threshold' in g ? Math.abs(g.threshold - q.threshold) : 0;
      return { i, miss: modeMiss + bitsMiss + thresholdMiss };
    });
    quant = scored.reduce((a, b) => (b.miss < a.miss ? b : a)).i;
  }
  return {
    tokenKeep: Array.from(keep, (k) => nearestIndex(TOKEN_KEEP_GRID, k)),
    headKeep: Array.from(heads, (h) => shape.heads - h),
    localV: p.localVPruning.enabled ? nearestIndex(LOCAL_V_GRID, p.localVPruning.keepFraction) : 0,
    quant,
    sink: nearestIndex(SINK_GRID, p.tokenPruning.protect.sinkTokens),
    recent: nearestIndex(RECENT_GRID, p.tokenPruning.protect.recentTokens),
  };
}

/** A uniformly random point whose token keep does not grow with depth (the cascade's shape). */
export function randomCandidate(shape: SpaceShape, random: () => number): Candidate {
  const pick = (n: number) => Math.floor(random() * n);
  const tokenKeep = Array.from({ length: shape.layers }, () => pick(TOKEN_KEEP_GRID.length)).sort((a, b) => a - b);
  const headKeep = Array.from({ length: shape.layers }, () => (random() < 0.5 ? 0 : pick(Math.max(1, shape.heads - 1)))).sort((a, b) => a - b);
  return { tokenKeep, headKeep, localV: pick(LOCAL_V_GRID.length), quant: pick(QUANT_GRID.length), sink: pick(SINK_GRID.length), recent: pick(RECENT_GRID.length) };
}

const GENES: GeneName[] = ['tokenKeep', 'headKeep', 'localV', 'quant', 'sink', 'recent'];

/**
 * One coordinate step: a gene (for per-layer genes, one layer) moved one grid step up or down,
 * clamped to the grid; `steps` such moves.
 */
export function mutate(c: Candidate, shape: SpaceShape, random: () => number, steps = 1): Candidate {
  const out: Candidate = { ...c, tokenKeep: [...c.tokenKeep], headKeep: [...c.headKeep] };
  for (let s = 0; s < steps; s++) {
    const gene = GENES[Math.floor(random() * GENES.length)];
    const size = gridSize(gene, shape);
    const delta = random() < 0.5 ? -1 : 1;
    const clamp = (i: number) => Math.max(0, Math.min(size - 1, i));
    if (gene === 'tokenKeep' || gene === 'headKeep') {
      const layer = Math.floor(random() * shape.layers);
      out[gene][layer] = clamp(out[gene][layer] + delta);
    } else out[gene] = clamp(out[gene] + delta);
  }
  return out;
}

/** Uniform crossover gene by gene (per-layer arrays whole, so a parent's schedule shape survives). */
export function crossover(a: Candidate, b: Candidate, random: () => number): Candidate {
  const from = () => (random() < 0.5 ? a : b);
  return { tokenKeep: [...from().tokenKeep], headKeep: [...from().headKeep], localV: from().localV, quant: from().quant, sink: from().sink, recent: from().recent };
}

/** The policy JSON of a candidate (a complete "extends": "off" policy, valid for `profile --policy`). */
export function candidatePolicy(c: Candidate, shape: SpaceShape, name: string): Record<string, unknown> {
  const tokenKeep = c.tokenKeep.map((i) => TOKEN_KEEP_GRID[i]);
  const heads = headGrid(shape.heads);
  const headKeep = c.headKeep.map((i) => heads[i]);
  const q = QUANT_GRID[c.quant];
  const tokenOn = tokenKeep.some((k) => k < 1);
  const headOn = headKeep.some((k) => k < 1);
  const vKeep = LOCAL_V_GRID[c.localV];
  return {
    name,
    extends: 'off',
    tokenPruning: {
      enabled: tokenOn,
      schedule: tokenOn ? { kind: 'per-layer', keep: tokenKeep } : { kind: 'none' },
      protect: { sinkTokens: SINK_GRID[c.sink], recentTokens: RECENT_GRID[c.recent], positions: [] },
    },
    headPruning: { enabled: headOn, schedule: headOn ? { kind: 'per-layer', keep: headKeep } : { kind: 'none' } },
    localVPruning: { enabled: vKeep < 1, keepFraction: vKeep },
    quantization:
      q.mode === 'off'
        ? { mode: 'off' }
        : { mode: q.mode, queryBits: 16, keyBits: q.keyBits, valueBits: q.valueBits, keyLsbBits: KEY_LSB_BITS, threshold: 'threshold' in q ? q.threshold : 0 },
  };
}

/** One line describing a candidate for tables ("tok 1/.8/.5/.3 heads 4/4/3/3 V .5 q prog 6b@.05 sink 1"). */
export function describeCandidate(c: Candidate, shape: SpaceShape): string {
  const f = (x: number) => String(Number(x.toFixed(2))).replace(/^0\./, '.');
  const heads = headGrid(shape.heads);
  const q = QUANT_GRID[c.quant];
  const quant = q.mode === 'off' ? 'fp' : q.mode === 'static' ? `static ${q.keyBits}b` : `prog ${q.keyBits}+${KEY_LSB_BITS}b@${q.threshold}`;
  return `tok ${c.tokenKeep.map((i) => f(TOKEN_KEEP_GRID[i])).join('/')} heads ${c.headKeep.map((i) => Math.round(heads[i] * shape.heads)).join('/')} V ${f(LOCAL_V_GRID[c.localV])} q ${quant} sink ${SINK_GRID[c.sink]} recent ${RECENT_GRID[c.recent]}`;
}
