// Assembles the ProfileReport from what the run produced: the model summary (discovery), the
// tokens (tokenizer), the SpAtten core's decisions (measured on the real tensors), the cycle model
// on the core's Trace (modelled) and the dense-vs-pruned comparison (measured). Every summary
// figure is a Quantity with unit and provenance.
import type { ModelSummary } from '../model/modelSummary';
import type { ModelDims } from '../model/modelDims';
import type { TextTokenizer } from '../tokenize/textTokenizer';
import type { SpattenPolicy } from '../spatten/policy';
import type { PolicyChoice } from '../spatten/autoPolicy';
import type { SpattenObservations } from '../spatten/observations';
import type { HardwareConfig } from '../hardware/hardwareConfig';
import { denseDramBytes } from '../hardware/simulate';
import { toLayerHardware, type SimulationResult } from '../hardware/simulationResult';
import { calibratedBaselines, measuredPlatform, rooflineBaselines, rooflineLatency } from '../hardware/roofline';
import { fcFlopsPerToken } from '../spatten/flops';
import { importanceRanks } from '../spatten/tokenImportance';
import type { Trace } from '../trace/trace';
import type { OutputComparison } from '../accuracyComparison';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import { accuracySection, headlineAccuracy, type GoldLabels } from './accuracySection';
import { stepTokens } from './stepTokens';
import { computeVerdict } from './verdict';
import { PROFILE_REPORT_VERSION, type LayerTokens, type ProfileReport, type Quantity, type ReportToken, type TimelineReport } from './profileReport';
import { modelLabel } from '../model/modelName';

/**
 * What a report is built from. Everything but the tokenizer is plain data (typed arrays included):
 * no core, session or graph, so a report can be rebuilt from a serialized copy
 * (test/unit/report/reportFromSerialized.test.ts).
 */
export interface ReportInputs {
  model: ModelSummary;
  mode: 'encoder' | 'generation';
  /** The first input's text, the token ids shown (input + generated) and the input's offsets. */
  text: string;
  ids: number[];
  offsets: [number, number][];
  /** null when the graph has no token input (synthetic inputs): positions are shown as #i. */
  tokenizer: TextTokenizer | null;
  policy: SpattenPolicy;
  /** Where the policy came from (given, or 'auto' from the model). */
  policyChoice?: Pick<PolicyChoice, 'source' | 'reason'>;
  hardware: HardwareConfig;
  /** What the SpAtten model observed (data: the report never reads the core). */
  observations: SpattenObservations;
  /** Model dimensions of the run (FLOP counts of the reference run). */
  dims: ModelDims;
  sim: SimulationResult;
  additive: SimulationResult;
  /** Decoders: the decode steps alone (no prompt pass), pipelined model. */
  decode?: SimulationResult;
  trace: Trace;
  comparisons: OutputComparison[];
  /** Classifiers: gold labels of the inputs and the class names. */
  gold?: GoldLabels;
  /** Wall times in ms (measured). */
  timings: Record<string, number>;
  warnings: string[];
}

const q = (value: number, unit: string, source: Quantity['source'], note: string): Quantity => ({ value, unit, source, note });

/** Pads or cuts a row to n entries (layers that processed fewer tokens report 0 for the rest). */
function fit(row: number[], n: number, fill: number): number[] {
  return row.length >= n ? row.slice(0, n) : [...row, ...Array<number>(n - row.length).fill(fill)];
}

function tokensOf(x: ReportInputs): ReportToken[] {
  const protectedSet = new Set(x.policy.tokenPruning.protect.positions);
  return x.ids.map((id, i) => {
    const [start, end] = x.offsets[i] ?? [-1, -1];
    // Generated tokens are not in the source text: no span, not protected.
    const isInput = i < x.offsets.length;
    const text = x.tokenizer && id >= 0 ? x.tokenizer.tokenText(id) : `#${i}`;
    return { id, text, start, end, protected: isInput && (start < 0 || protectedSet.has(i)) };
  });
}

/** Tokens and heads alive per layer in the last pass/step the core ran (what the views show). */
function layerTokens(x: ReportInputs): LayerTokens[] {
  const steps = x.trace.layerSteps ?? [];
  const lastStep = steps.reduce((m, s) => Math.max(m, s.step), -Infinity);
  const L = x.model.layers;
  const out: LayerTokens[] = Array.from({ length: L }, () => ({ tokensIn: 0, tokensKept: 0, headsKept: 0 }));
  for (const s of steps) if (s.step === lastStep && s.layer < L) out[s.layer] = { tokensIn: s.tokensIn, tokensKept: s.tokensKept, headsKept: s.headsKept };
  return out;
}

function timelineOf(sim: SimulationResult): TimelineReport | undefined {
  const t = sim.timeline;
  if (!t) return undefined;
  return {
    units: [...t.units],
    clockHz: t.clockHz,
    unit: t.events.map((e) => e.unit),
    start: t.events.map((e) => e.start),
    end: t.events.map((e) => e.start + e.dur),
    layer: t.events.map((e) => e.layer),
    step: t.events.map((e) => e.step),
  };
}

function fetchFractions(trace: Trace): { keys: number; values: number; refetch: number; rows: number } {
  let keys = 0;
  let values = 0;
  let refetched = 0;
  let queries = 0;
  for (const r of trace.rows) {
    keys += r.keysFetched / r.sentenceLength;
    values += r.valuesFetched / r.sentenceLength;
    refetched += r.refetchedQueries;
    queries += r.queries;
  }
  const n = Math.max(1, trace.rows.length);
  return { keys: keys / n, values: values / n, refetch: queries ? refetched / queries : 0, rows: trace.rows.length };
}

function summaryOf(x: ReportInputs): Record<string, Quantity> {
  const { sim, additive, trace, hardware } = x;
  const f = fetchFractions(trace);
  const int8Dense = denseDramBytes(trace, hardware, 8);
  const s = x.model;
  const steps = new Set(trace.rows.map((r) => r.step)).size;
  const denseRows = steps * s.layers * s.heads;
  const hw = `${hardware.name}, pipelined timing model`;
  return {
    speedup: q(sim.speedup, '×', 'modelled', `dense / SpAtten cycles of the attention workload on ${hw}`),
    speedupAdditive: q(additive.speedup, '×', 'modelled', `same, with the additive timing model (the authors' fast-model terms at RTL costs plus the work it leaves out, no overlap: an upper bound on latency)`),
    latency: q(sim.seconds, 's', 'modelled', `SpAtten attention latency on ${hw}`),
    denseLatency: q(sim.denseSeconds, 's', 'modelled', `dense attention latency on ${hw}`),
    latencyLowerBound: q(sim.lowerBoundCycles / sim.clockHz, 's', 'modelled', 'busiest unit per (step, layer), summed: no schedule of this workload on this hardware is faster'),
    latencyAdditive: q(additive.seconds, 's', 'modelled', 'SpAtten latency, additive model (no overlap: an upper bound; the pipelined latency lies between it and the busiest-unit lower bound)'),
    energySaving: q(sim.denseEnergyJoules / sim.energyJoules, '×', 'modelled', 'dense / SpAtten energy of the attention workload'),
    energy: q(sim.energyJoules, 'J', 'modelled', 'SpAtten energy of the attention workload'),
    dramReduction: q(sim.denseDramBytes / sim.dramBytes, '×', 'modelled', 'dense fp32 / SpAtten DRAM bytes (K, V, Q; transaction-rounded)'),
    dramReductionInt8: q(int8Dense / sim.dramBytes, '×', 'modelled', 'dense 8-bit / SpAtten DRAM bytes'),
    dramBytes: q(sim.dramBytes, 'B', 'modelled', 'SpAtten DRAM traffic (K MSB + K LSB refetch + V + Q)'),
    denseDramBytes: q(sim.denseDramBytes, 'B', 'modelled', 'dense DRAM traffic at 32 bits'),
    tflops: q(sim.tflops, 'TFLOPS', 'modelled', 'executed attention FLOPs per second on the modelled hardware'),
    keysFetched: q(f.keys, 'fraction', 'measured', 'mean keys fetched / context length over (step, layer, head) rows (K/L)'),
    valuesFetched: q(f.values, 'fraction', 'measured', 'mean values fetched / context length (V/L)'),
    tokensKept: q(f.keys, 'fraction', 'measured', 'same as K/L: tokens surviving cascade token pruning, averaged over rows'),
    headsKept: q(denseRows ? f.rows / denseRows : 1, 'fraction', 'measured', 'rows computed / (steps x layers x heads): heads surviving cascade head pruning'),
    refetchRate: q(f.refetch, 'fraction', 'measured', 'query rows whose K LSBs were refetched (progressive quantization)'),
    tokens: q(x.ids.length, 'tokens', 'measured', 'tokens in the profiled sequence (input + generated)'),
    inputTokens: q(x.offsets.length || x.ids.length, 'tokens', 'measured', 'tokens of the input text (prompt), generated ones excluded'),
    clock: q(hardware.clockHz, 'Hz', 'configured', `${hardware.name} clock`),
    ...(x.decode ? decodeSummary(x.decode, hw) : {}),
  };
}

/** The generation stage alone: what the paper's GPT-2 figures (32 generated tokens) measure. */
function decodeSummary(d: SimulationResult, hw: string): Record<string, Quantity> {
  return {
    speedupDecode: q(d.speedup, '×', 'modelled', `decode steps only (no prompt pass): dense / SpAtten cycles on ${hw}`),
    dramReductionDecode: q(d.denseDramBytes / d.dramBytes, '×', 'modelled', 'decode steps only: dense fp32 / SpAtten DRAM bytes'),
    latencyDecode: q(d.seconds, 's', 'modelled', `decode steps only: SpAtten latency on ${hw}`),
    energySavingDecode: q(d.denseEnergyJoules / d.energyJoules, '×', 'modelled', 'decode steps only: dense / SpAtten energy'),
  };
}

/**
 * FLOPs of one dense full-sequence pass of the whole model (what the timed reference run did):
 * per layer the projections and FFN for every token plus the full L x L attention (ORT computes
 * the masked half too), and the output projection to the vocabulary.
 */
function referenceRunFlops(x: ReportInputs): number {
  const d = x.dims;
  // The timed reference run saw the input tokens (or, synthetic, every position).
  const n = x.offsets.length || x.ids.length;
  const vocab = x.comparisons[0].denseLast.length;
  const perLayer = n * fcFlopsPerToken(d, d.heads, d.kvHeads) + 2 * 2 * d.heads * d.headDim * n * n;
  return d.layers * perLayer + 2 * d.hiddenSize * vocab * n;
}

function baselinesOf(x: ReportInputs): ProfileReport['baselines'] {
  const { sim } = x;
  const out: ProfileReport['baselines'] = rooflineBaselines(sim.denseFlops, sim.denseDramBytes).map((r) => ({
    name: `${r.platform} (roofline lower bound)`,
    latency: q(r.seconds, 's', 'modelled', `roofline of the dense attention workload (${r.bound}-bound), a lower bound on the platform's latency: ${r.source}`),
    ...(r.energyJoules !== undefined ? { energy: q(r.energyJoules, 'J', 'modelled', `rated power x roofline time: ${r.powerSource}`) } : {}),
    note: `SpAtten speedup over it: ${(r.seconds / sim.seconds).toPrecision(3)}× (at least; the paper measured real runs, not rooflines)`,
  }));
  for (const r of calibratedBaselines(sim.denseFlops, sim.denseDramBytes, x.trace.mode)) {
    out.push({
      name: r.platform,
      latency: q(r.seconds, 's', 'modelled', `${r.derivation}: ${r.source}`),
      ...(r.energyJoules !== undefined ? { energy: q(r.energyJoules, 'J', 'modelled', `rated power x calibrated time: ${r.powerSource}`) } : {}),
      note: `SpAtten speedup over it: ${(r.seconds / sim.seconds).toPrecision(3)}× (calibrated on one published measurement; an estimate, not a bound)`,
    });
  }
  return out;
}

/**
 * "This machine": the FLOP rate onnxruntime reached on the dense reference run (whole model,
 * measured), applied to the same dense attention work as the rooflines. It follows the run's wall
 * clock, so it sits with the timings, apart from the reproducible baselines.
 */
function measuredBaselinesOf(x: ReportInputs): ProfileReport['baselines'] {
  const { sim } = x;
  const ms = x.timings.referenceRun;
  const flops = referenceRunFlops(x);
  if (!(ms > 0 && flops > 0)) return [];
  const p = measuredPlatform(ms / 1000, flops, 'this machine (onnxruntime-node CPU)');
  const r = rooflineLatency(sim.denseFlops, sim.denseDramBytes, p);
  return [{
    name: p.name,
    latency: q(r.seconds, 's', 'modelled', `dense attention FLOPs at the rate ORT measured on this machine: ${p.source} (${(p.peakFlops / 1e9).toPrecision(3)} GFLOP/s)`),
    note: `SpAtten speedup over it: ${(r.seconds / sim.seconds).toPrecision(3)}× (rate measured on the whole-model dense run, ${ms.toFixed(1)} ms)`,
  }];
}

export function buildReport(x: ReportInputs): ProfileReport {
  const n = x.ids.length;
  const s = x.model;
  const importance = x.observations.tokenImportanceByLayer.map((row) => fit(row, n, 0));
  const timings: Record<string, Quantity> = {};
  for (const [k, ms] of Object.entries(x.timings)) timings[k] = q(ms / 1000, 's', 'measured', `wall time: ${k}`);
  const report: ProfileReport = {
    version: PROFILE_REPORT_VERSION,
    generatedAt: new Date().toISOString(),
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    model: s,
    mode: x.mode,
    input: { text: x.text, tokens: tokensOf(x) },
    policy: { name: x.policy.name, settings: x.policy as unknown as Record<string, unknown>, ...(x.policyChoice ? { source: x.policyChoice.source, reason: x.policyChoice.reason } : {}) },
    hardware: { name: x.hardware.name, settings: x.hardware as unknown as Record<string, unknown> },
    summary: summaryOf(x),
    tokens: {
      prunedAtLayer: fit(x.observations.tokenPrunedAtLayer, n, -1),
      cumulativeImportance: importance,
      rank: importance.map(importanceRanks),
      layers: layerTokens(x),
    },
    heads: { prunedAtLayer: x.observations.headPrunedAtLayer, importance: x.observations.headImportanceByLayer },
    refetch: x.observations.refetch,
    layers: x.sim.layers.map(toLayerHardware),
    baselines: baselinesOf(x),
    accuracy: accuracySection(x.comparisons, x.tokenizer, x.gold),
    timings,
    measuredBaselines: measuredBaselinesOf(x),
    warnings: x.warnings,
  };
  // The headline accuracy figure of the model kind, as a summary card.
  const m = report.accuracy.metrics;
  const impact = headlineAccuracy(m);
  if (impact) report.summary.accuracyImpact = { ...impact.value, note: `${impact.name}: ${impact.value.note ?? ''}` };
  const timeline = timelineOf(x.sim);
  if (timeline) report.timeline = timeline;
  // Added after the fact so the sections above stay as they were: input vs generated tokens, the
  // per-pass token counts and the verdict (which reads the summary and accuracy just built).
  const promptTokens = x.offsets.length || n;
  report.input.promptTokens = promptTokens;
  if (x.trace.layerSteps && x.mode === 'generation') report.tokens.steps = stepTokens(x.trace.layerSteps, s.layers, n);
  report.verdict = computeVerdict({
    sim: x.sim,
    summary: report.summary,
    accuracy: m,
    modelFile: modelLabel(s),
    policyName: x.policy.name,
    hardwareName: x.hardware.name,
    headDim: s.headDim,
    datapathHeadDim: x.hardware.headDim,
    topKComparators: x.hardware.topKComparators,
    mode: x.mode,
    promptTokens,
    generatedTokens: n - promptTokens,
  });
  return report;
}
