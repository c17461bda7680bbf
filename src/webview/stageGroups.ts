// Pipeline stages grouped by the hardware unit they occupy, each with its own colour from the
// colour-blind-safe series (Okabe-Ito in light/dark, see webview.css): eleven raw stages in a
// dozen near-identical hues could not be told apart. Unknown stage names get their own group.
import type { LayerHardware } from '../engine/report/profileReport';

export interface StageGroup {
  id: string;
  label: string;
  stages: string[];
  /** Index into the theme's --sp-series-N colours. */
  color: number;
}

const KNOWN: StageGroup[] = [
  { id: 'dram', label: 'DRAM fetch', stages: ['fetchK', 'fetchKLsb', 'fetchV', 'fetch'], color: 0 },
  { id: 'qk', label: 'Q × K', stages: ['qk'], color: 1 },
  { id: 'softmax', label: 'Softmax + requant', stages: ['softmax', 'requant'], color: 2 },
  { id: 'topk', label: 'Top-k', stages: ['tokenTopK', 'headTopK', 'localVTopK', 'topk'], color: 3 },
  { id: 'pv', label: 'Prob × V', stages: ['pv'], color: 4 },
  { id: 'fill', label: 'Fill / drain (idle)', stages: ['fillDrain'], color: 7 },
];
const EXTRA_COLORS = [5, 6, 8, 9, 10, 11];

/** The groups present in these layers (in a fixed order), with any unknown stage appended. */
export function stageGroups(layers: LayerHardware[]): StageGroup[] {
  const present = new Set<string>();
  for (const l of layers) for (const k of [...Object.keys(l.stages), ...Object.keys(l.denseStages)]) present.add(k);
  const out = KNOWN.map((g) => ({ ...g, stages: g.stages.filter((s) => present.has(s)) })).filter((g) => g.stages.length > 0);
  const known = new Set(KNOWN.flatMap((g) => g.stages));
  let i = 0;
  for (const s of present) if (!known.has(s)) out.push({ id: `stage:${s}`, label: s, stages: [s], color: EXTRA_COLORS[i++ % EXTRA_COLORS.length] });
  return out;
}

export const groupCycles = (stages: Record<string, number>, g: StageGroup): number => g.stages.reduce((a, s) => a + (stages[s] ?? 0), 0);
