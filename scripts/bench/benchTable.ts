// The bench's results: medians of interleaved samples, ratios against plain ORT, the printed table
// and the --json document. Pure (no processes, no clocks), so a unit test can pin the format on a
// tiny run without asserting a single timing.

/** One process run, measured by the parent (wall) and by the child itself as it exits (CPU, peak RSS). */
export interface ProcessSample {
  /** Spawn to exit, ms (measured). */
  wallMs: number;
  /** User + system CPU time of the child, ms (measured). */
  cpuMs: number;
  /** The child's maxRSS, MB (measured). */
  peakRssMb: number;
  /**
   * The pass the comparison is about, ms, as the child measured it in process: the profile's engine
   * pass (encoders) or engine generation (decoders); ORT's run (encoders) or generation with its
   * past-KV export (decoders).
   */
  passMs: number;
}

export type BenchSection = 'encoder' | 'generation' | 'scaling';

export interface BenchCase {
  section: BenchSection;
  /** Label of the model (folder name). */
  model: string;
  /** Tokens of the input the profile and ORT read (prompt tokens for generation). */
  tokens: number;
  policy: string;
  /** Tokens generated after the prompt (generation cases). */
  generate?: number;
}

/** Variant names: 'profile' (this build's CLI), 'ort' (plain ORT process), 'profile (baseline)'. */
export type VariantName = 'profile' | 'ort' | 'profile (baseline)';

export interface VariantSummary {
  runs: number;
  medianWallMs: number;
  medianCpuMs: number;
  /** Largest peak RSS over the runs, MB. */
  peakRssMb: number;
  medianPassMs: number;
  /** Every sample's wall time (ms), in run order. */
  wallMs: number[];
}

export interface CaseResult extends BenchCase {
  variants: Partial<Record<VariantName, VariantSummary>>;
  /** profile / ORT: whole process wall time, CPU time, peak RSS, and the in-process pass. */
  ratios: { wall: number; cpu: number; peakRss: number; pass: number };
  /** baseline profile / this profile, whole-process wall time (when a baseline CLI was given). */
  speedupOverBaseline?: number;
}

export interface CycleModelResult {
  name: string;
  rowsPerSecond: number;
  rowsPerCpuSecond: number;
  peakRssMb?: number;
}

export interface BenchDocument {
  /** What was compared, in words (threads, input, n). */
  setup: string;
  runs: number;
  cases: CaseResult[];
  cycleModel?: { rows: number; results: CycleModelResult[] };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function summarize(samples: ProcessSample[]): VariantSummary {
  return {
    runs: samples.length,
    medianWallMs: median(samples.map((s) => s.wallMs)),
    medianCpuMs: median(samples.map((s) => s.cpuMs)),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
    medianPassMs: median(samples.map((s) => s.passMs)),
    wallMs: samples.map((s) => s.wallMs),
  };
}

export function caseResult(c: BenchCase, samples: Partial<Record<VariantName, ProcessSample[]>>): CaseResult {
  const variants: Partial<Record<VariantName, VariantSummary>> = {};
  for (const [name, ss] of Object.entries(samples) as [VariantName, ProcessSample[]][]) if (ss.length > 0) variants[name] = summarize(ss);
  const p = variants.profile;
  const o = variants.ort;
  if (!p || !o) throw new Error(`${c.model} at ${c.tokens} tokens: a case needs both the profile and the ORT samples`);
  const b = variants['profile (baseline)'];
  return {
    ...c,
    variants,
    ratios: { wall: p.medianWallMs / o.medianWallMs, cpu: p.medianCpuMs / o.medianCpuMs, peakRss: p.peakRssMb / o.peakRssMb, pass: p.medianPassMs / o.medianPassMs },
    ...(b ? { speedupOverBaseline: b.medianWallMs / p.medianWallMs } : {}),
  };
}

const SECTION_TITLES: Record<BenchSection, string> = {
  encoder: 'Encoder: whole `profile` process vs a plain ORT process (same model, tokens, thread count)',
  generation: 'Generation: `profile --generate` vs plain ORT generating with its past-KV export',
  scaling: 'Scaling (paper-bert): profile vs ORT as the input grows',
};

function cell(s: string, width: number): string {
  return s.length >= width ? s : s.padStart(width);
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (x: number) => `${x.toFixed(0)} MB`;
const times = (x: number) => `${x.toFixed(2)}x`;

/** The printed table: one block per section, one row per case. */
export function formatBenchTable(doc: BenchDocument): string {
  const lines: string[] = [doc.setup, ''];
  const withBaseline = doc.cases.some((c) => c.variants['profile (baseline)']);
  for (const section of ['encoder', 'generation', 'scaling'] as BenchSection[]) {
    const cases = doc.cases.filter((c) => c.section === section);
    if (cases.length === 0) continue;
    lines.push(SECTION_TITLES[section]);
    const head = ['model', 'tokens', 'policy', 'profile wall', 'ORT wall', 'ratio', 'profile CPU', 'ORT CPU', 'ratio', 'profile RSS', 'ORT RSS', 'ratio', 'engine pass', 'ORT pass', 'ratio'];
    if (withBaseline) head.push('baseline wall', 'baseline CPU', 'baseline RSS', 'speedup');
    const rows = cases.map((c) => {
      const p = c.variants.profile as VariantSummary;
      const o = c.variants.ort as VariantSummary;
      const b = c.variants['profile (baseline)'];
      const tokens = c.generate ? `${c.tokens}+${c.generate}` : `${c.tokens}`;
      const r = [
        c.model, tokens, c.policy,
        sec(p.medianWallMs), sec(o.medianWallMs), times(c.ratios.wall),
        sec(p.medianCpuMs), sec(o.medianCpuMs), times(c.ratios.cpu),
        mb(p.peakRssMb), mb(o.peakRssMb), times(c.ratios.peakRss),
        sec(p.medianPassMs), sec(o.medianPassMs), times(c.ratios.pass),
      ];
      if (withBaseline) r.push(b ? sec(b.medianWallMs) : '', b ? sec(b.medianCpuMs) : '', b ? mb(b.peakRssMb) : '', c.speedupOverBaseline !== undefined ? times(c.speedupOverBaseline) : '');
      return r;
    });
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : cell(s, widths[i]))).join('  ');
    lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt), '');
  }
  if (doc.cycleModel) {
    lines.push(`Cycle model: ${doc.cycleModel.rows.toLocaleString('en')}-row trace (scripts/bench-hardware.ts)`);
    for (const r of doc.cycleModel.results) {
      const rss = r.peakRssMb !== undefined ? `, peak RSS ${mb(r.peakRssMb)}` : '';
      lines.push(`  ${r.name.padEnd(24)} ${Math.round(r.rowsPerSecond).toLocaleString('en').padStart(11)} rows/s wall  ${Math.round(r.rowsPerCpuSecond).toLocaleString('en').padStart(11)} rows/CPU-s${rss}`);
    }
    lines.push('');
  }
  lines.push('wall, CPU (user + system), RSS: whole processes, spawn to exit (the child\'s own CPU time and maxRSS); pass: measured inside each process');
  lines.push('(profile: the engine pass or generation; ORT: its run or its generation with past key/values). Medians of interleaved runs; peak RSS is the');
  lines.push('largest of the runs; speedup: baseline wall / profile wall. On a loaded machine CPU time is the steadier figure. Measured, never asserted.');
  return lines.join('\n');
}

export function benchJson(doc: BenchDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
