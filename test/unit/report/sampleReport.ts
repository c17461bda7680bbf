// A synthetic but self-consistent ProfileReport for the report/webview tests. It is TEST DATA:
// the numbers come from a seeded toy model of the pipeline (random attention mass accumulated per
// token, the cascade keep schedule applied to it, a simple per-stage cycle formula), so every
// aggregate in it (tokens kept, refetch counts, speedup, DRAM reduction) is computed from the
// per-layer arrays it reports and the tests can cross-check the DOM against them. The real engine
// fills reports elsewhere.

import { PROFILE_REPORT_VERSION } from '../../../src/engine/report/profileReport';
import type { RefetchEvent } from '../../../src/engine/spatten/observations';
import { seededRandom } from '../../../src/engine/seededRandom';
import type {
  LayerHardware,
  ProfileReport,
  Quantity,
  ReportToken,
  SweepRow,
  TimelineReport,
} from '../../../src/engine/report/profileReport';

export interface SampleOptions {
  layers?: number;
  heads?: number;
  tokens?: number;
  mode?: 'encoder' | 'generation';
  seed?: number;
  timeline?: boolean;
  sweep?: boolean;
}

const WORDS =
  'The quick brown fox jumps over the lazy dog while <b>SpAtten</b> prunes "unimportant" tokens & heads, ' +
  'fetching fewer keys from DRAM; cascade pruning keeps the salient words such as fox , dog and attention ' +
  'until the final layer </script> of the model .';


const q = (value: number, unit: string, source: Quantity['source'], note?: string): Quantity =>
  note === undefined ? { value, unit, source } : { value, unit, source, note };

function makeTokens(n: number): { text: string; tokens: ReportToken[] } {
  const words = WORDS.split(' ');
  const tokens: ReportToken[] = [{ id: 1, text: '[CLS]', start: -1, end: -1, protected: true }];
  let text = '';
  for (let i = 1; i < n; i++) {
    const w = words[(i - 1) % words.length];
    if (text.length > 0) text += ' ';
    tokens.push({ id: 100 + ((i * 37) % 900), text: w, start: text.length, end: text.length + w.length, protected: false });
    text += w;
  }
  return { text, tokens };
}

/** Ranks (0 = largest) by value descending, ties by position. */
function ranks(values: number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const r = new Array<number>(values.length);
  order.forEach((tok, k) => (r[tok] = k));
  return r;
}

export function makeSampleReport(opts: SampleOptions = {}): ProfileReport {
  const L = opts.layers ?? 6;
  const H = opts.heads ?? 4;
  const N = opts.tokens ?? 40;
  const mode = opts.mode ?? 'encoder';
  const rand = seededRandom(opts.seed ?? 7);
  const headDim = 64;
  const { text, tokens } = makeTokens(N);

  // Cascade token pruning on random attention mass: no pruning in layer 0, keep falls to 40 %.
  const alive = new Array<boolean>(N).fill(true);
  const score = new Array<number>(N).fill(0);
  const tokenPrunedAt = new Array<number>(N).fill(-1);
  const cumulativeImportance: number[][] = [];
  const rank: number[][] = [];
  const layerTokens: ProfileReport['tokens']['layers'] = [];
  const salience = tokens.map((t, i) => (t.protected ? 3 : 0.2 + rand() * (i % 7 === 3 ? 2.5 : 1)));

  // Cascade head pruning from the middle layer: one head per later layer, lowest cumulative score.
  const headAlive = new Array<boolean>(H).fill(true);
  const headScore = new Array<number>(H).fill(0);
  const headPrunedAt = new Array<number>(H).fill(-1);
  const headImportance: number[][] = [];

  const threshold = 0.1;
  const binEdges = [0, 0.05, 0.1, 0.2, 0.4, 0.7, 1];
  const refetchRows: number[][] = [];
  const refetched: number[][] = [];
  const histogram: number[][] = [];
  const events: RefetchEvent[] = [];
  const eventsCap = 64;
  const hw: LayerHardware[] = [];
  const timeline: TimelineReport = { units: ['fetcher', 'qk', 'softmax', 'topk', 'pv'], clockHz: 1e9, unit: [], start: [], end: [], layer: [] };
  let clock = 0;

  for (let l = 0; l < L; l++) {
    const tokensIn = alive.filter(Boolean).length;
    const headsIn = headAlive.filter(Boolean).length;
    let mass = 0;
    const inc = salience.map((s, i) => (alive[i] ? s * (0.5 + rand()) : 0));
    inc.forEach((v) => (mass += v));
    // Each alive query row spreads probability 1 over the keys, per alive head.
    for (let i = 0; i < N; i++) score[i] += (inc[i] / mass) * tokensIn * headsIn;
    const keepCount = l === 0 ? tokensIn : Math.max(Math.ceil(N * (1 - (0.6 * l) / Math.max(1, L - 1))), 1);
    const candidates = [...Array(N).keys()].filter((i) => alive[i] && !tokens[i].protected);
    candidates.sort((a, b) => score[a] - score[b] || b - a);
    const toPrune = Math.max(0, tokensIn - keepCount);
    for (const i of candidates.slice(0, toPrune)) {
      alive[i] = false;
      tokenPrunedAt[i] = l;
    }
    cumulativeImportance.push(score.map((s) => Math.round(s * 1e4) / 1e4));
    rank.push(ranks(cumulativeImportance[l]));
    const tokensKept = alive.filter(Boolean).length;

    const rowHead: number[] = [];
    const refHead: number[] = [];
    const hist = new Array<number>(binEdges.length - 1).fill(0);
    for (let h = 0; h < H; h++) {
      if (!headAlive[h]) {
        rowHead.push(0);
        refHead.push(0);
        continue;
      }
      headScore[h] += tokensIn * (0.5 + rand()) * (1 + h * 0.15);
      let ref = 0;
      for (let r = 0; r < tokensIn; r++) {
        // Early layers attend flatly (low max probability) so refetches concentrate there.
        const maxProb = Math.min(0.999, Math.pow(rand(), l < 2 ? 1.6 : 0.6) * (l < 2 ? 0.5 : 1));
        let bin = binEdges.findIndex((e, k) => k > 0 && maxProb < e) - 1;
        if (bin < 0) bin = hist.length - 1;
        hist[bin]++;
        if (maxProb < threshold) {
          ref++;
          if (events.length < eventsCap) {
            events.push({ step: 0, layer: l, head: h, query: r, maxProbBefore: Math.round(maxProb * 1e4) / 1e4, maxProbAfter: Math.round(Math.min(1, maxProb * 1.3) * 1e4) / 1e4 });
          }
        }
      }
      rowHead.push(tokensIn);
      refHead.push(ref);
    }
    refetchRows.push(rowHead);
    refetched.push(refHead);
    histogram.push(hist);
    headImportance.push(headScore.map((s) => Math.round(s * 100) / 100));
    if (l >= Math.floor(L / 2) && headsIn > Math.ceil(H / 2)) {
      let weakest = -1;
      for (let h = 0; h < H; h++) if (headAlive[h] && (weakest < 0 || headScore[h] < headScore[weakest])) weakest = h;
      headAlive[weakest] = false;
      headPrunedAt[weakest] = l;
    }
    layerTokens.push({ tokensIn, tokensKept, headsKept: headsIn });

    // Cycle model of the toy: 8 keys per cycle for Q x K and prob x V, 512 B/cycle of DRAM.
    const refRows = refHead.reduce((a, b) => a + b, 0);
    const keys = tokensIn * tokensIn * headsIn;
    const denseKeys = N * N * H;
    const kMsb = Math.ceil((keys * headDim * 6) / 8 / 32) * 32;
    const kLsb = Math.ceil((refRows * tokensIn * headDim * 4) / 8 / 32) * 32;
    const v = Math.ceil((keys * 0.3 * headDim * 8) / 8 / 32) * 32;
    const qBytes = Math.ceil((tokensIn * headsIn * headDim * 2) / 32) * 32;
    const stages = {
      fetch: Math.ceil((kMsb + kLsb + v + qBytes) / 512),
      qk: Math.ceil(keys / 8) + Math.ceil((refRows * tokensIn) / 8),
      softmax: Math.ceil(keys / 8) + 98,
      topk: Math.ceil((tokensIn * 3) / 16) + 3,
      pv: Math.ceil((keys * 0.3) / 8),
    };
    const denseBytes = denseKeys * headDim * 2 * 4;
    const denseStages = { fetch: Math.ceil(denseBytes / 512), qk: Math.ceil(denseKeys / 8), softmax: Math.ceil(denseKeys / 8) + 98, topk: 0, pv: Math.ceil(denseKeys / 8) };
    const compute = stages.qk + stages.softmax + stages.topk + stages.pv;
    const cycles = Math.max(stages.fetch, compute);
    const denseCycles = Math.max(denseStages.fetch, denseStages.qk + denseStages.softmax + denseStages.pv);
    hw.push({
      layer: l,
      cycles,
      denseCycles,
      stages,
      denseStages,
      bound: stages.fetch > compute ? 'memory' : 'compute',
      dramBytes: { kMsb, kLsb, v, q: qBytes },
      denseDramBytes: denseBytes,
      energyJoules: cycles * 8.3e-9,
      denseEnergyJoules: denseCycles * 8.3e-9,
    });
    // Timeline: the fetcher runs the whole layer; compute units run back to back inside it.
    const push = (u: number, s: number, e: number) => {
      timeline.unit.push(u);
      timeline.start.push(s);
      timeline.end.push(e);
      timeline.layer.push(l);
    };
    push(0, clock, clock + stages.fetch);
    let t = clock;
    for (const [u, c] of [[1, stages.qk], [2, stages.softmax], [3, stages.topk], [4, stages.pv]] as const) {
      push(u, t, t + c);
      t += c;
    }
    clock += cycles;
  }

  const sum = (f: (x: LayerHardware) => number) => hw.reduce((a, x) => a + f(x), 0);
  const cycles = sum((x) => x.cycles);
  const dense = sum((x) => x.denseCycles);
  const dram = sum((x) => x.dramBytes.kMsb + x.dramBytes.kLsb + x.dramBytes.v + x.dramBytes.q);
  const denseDram = sum((x) => x.denseDramBytes);
  const energy = sum((x) => x.energyJoules);
  const denseEnergy = sum((x) => x.denseEnergyJoules);
  const rowsTotal = refetchRows.flat().reduce((a, b) => a + b, 0);
  const refTotal = refetched.flat().reduce((a, b) => a + b, 0);
  const latency = cycles / 1e9;
  const cpu = q(latency * 347, 's', 'modelled', 'Xeon E5-2640 v4 roofline');
  const gpu = q(latency * 162, 's', 'modelled', 'TITAN Xp roofline');

  const sweep: SweepRow[] = [1, 0.8, 0.6, 0.4, 0.2].map((keep, i) => ({
    keep,
    policy: 'cascade',
    keysFetchedFraction: keep * (1 - 0.05 * i),
    valuesFetchedFraction: keep * 0.3,
    speedup: 1 / (keep * 0.8 + 0.2),
    dramReduction: 1 / (keep * 0.3 + 0.02),
    metricName: mode === 'encoder' ? 'label agreement' : 'perplexity delta',
    metric: mode === 'encoder' ? 1 - i * i * 0.01 : i * i * 0.15,
    metricUnit: mode === 'encoder' ? 'fraction' : 'perplexity',
    metricInputs: 8,
    metricLow: mode === 'encoder' ? 1 - i * i * 0.01 - 0.02 : i * i * 0.12,
    metricHigh: mode === 'encoder' ? 1 : i * i * 0.18,
  }));

  const report: ProfileReport = {
    version: PROFILE_REPORT_VERSION,
    generatedAt: '2026-01-02T03:04:05.000Z',
    tool: { name: 'spatten-profiler', version: '0.1.0' },
    model: {
      fileName: 'toy-<bert>&"model".onnx',
      family: mode === 'encoder' ? 'bert' : 'gpt2',
      layers: L,
      heads: H,
      kvHeads: H,
      headDim,
      hiddenSize: H * headDim,
      parameters: L * 12 * H * headDim * H * headDim,
      opset: 17,
      causal: mode === 'generation',
      attentionCores: [...Array(L).keys()].map((l) => `MatMul->Div->Add->Softmax->MatMul at /layer.${l}/attention`),
    },
    mode,
    input: { text, tokens },
    policy: { name: 'cascade <default>', settings: { finalKeep: 0.4, headPruningStart: Math.floor(L / 2), progressiveQuantization: true } },
    hardware: { name: 'SpAtten 1x', settings: { clockHz: 1e9, multipliers: 512, hbmChannels: 16 } },
    summary: {
      speedup: q(dense / cycles, '×', 'modelled', 'dense cycles / SpAtten cycles on the same hardware'),
      energySaving: q(denseEnergy / energy, '×', 'modelled'),
      dramReduction: q(denseDram / dram, '×', 'modelled', 'dense DRAM bytes / SpAtten DRAM bytes'),
      tokensKept: q(layerTokens[L - 1].tokensKept / N, 'fraction', 'measured', 'tokens alive after the last layer'),
      headsKept: q(layerTokens[L - 1].headsKept / H, 'fraction', 'measured'),
      refetchRate: q(refTotal / rowsTotal, 'fraction', 'measured', 'query rows whose K LSBs were refetched'),
      accuracyImpact: q(mode === 'encoder' ? 0 : 0.21, mode === 'encoder' ? 'label flips' : 'ppl delta', 'measured'),
      latency: q(latency, 's', 'modelled'),
      energy: q(energy, 'J', 'modelled'),
      cycles: q(cycles, 'cycles', 'modelled'),
      dramBytes: q(dram, 'B', 'modelled'),
      denseDramBytes: q(denseDram, 'B', 'modelled'),
      clock: q(1e9, 'Hz', 'configured'),
    },
    tokens: { prunedAtLayer: tokenPrunedAt, cumulativeImportance, rank, layers: layerTokens },
    heads: { prunedAtLayer: headPrunedAt, importance: headImportance },
    refetch: {
      threshold,
      rows: refetchRows,
      refetched,
      maxProbBinEdges: binEdges,
      maxProbHistogram: histogram,
      perStep: mode === 'generation' ? [0, 3, 5, 2, 4, 1, 0, 2] : [],
      events,
      eventsCap,
    },
    layers: hw,
    baselines: [
      { name: 'Xeon E5-2640 v4', latency: cpu, energy: q(cpu.value * 90, 'J', 'modelled'), note: 'roofline projection, 90 W' },
      { name: 'TITAN Xp', latency: gpu, energy: q(gpu.value * 250, 'J', 'modelled'), note: 'roofline projection, 250 W' },
    ],
    accuracy:
      mode === 'encoder'
        ? {
            kind: 'classifier',
            metrics: { labelAgreement: q(1, 'fraction', 'measured'), maxLogitDelta: q(0.0312, 'logit', 'measured') },
            denseTop: [{ label: 'positive', probability: 0.912 }, { label: 'negative', probability: 0.088 }],
            prunedTop: [{ label: 'positive', probability: 0.897 }, { label: 'negative', probability: 0.103 }],
          }
        : {
            kind: 'language-model',
            metrics: { densePerplexity: q(12.4, 'ppl', 'measured'), prunedPerplexity: q(12.61, 'ppl', 'measured') },
            denseTop: [{ label: ' the', probability: 0.31 }, { label: ' a', probability: 0.12 }],
            prunedTop: [{ label: ' the', probability: 0.29 }, { label: ' an', probability: 0.11 }],
            generated: ['Once', ' upon', ' a', ' time', ' there', ' was', ' a', ' <fox>'].map((w, step) => ({
              step,
              id: 200 + step,
              text: w,
              denseId: step === 6 ? 999 : 200 + step,
              denseText: step === 6 ? ' one' : w,
            })),
          },
    timings: { denseRun: q(0.0123, 's', 'measured'), engineRun: q(0.0456, 's', 'measured'), total: q(0.0612, 's', 'measured') },
    warnings: ['Synthetic test report: <not> a real model run.'],
  };
  if (opts.sweep ?? true) report.sweep = sweep;
  if (opts.timeline ?? true) report.timeline = timeline;
  return report;
}
