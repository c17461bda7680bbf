// `npm run bench`: what a profile costs against plain onnxruntime, measured (never asserted).
//
// Every case runs a whole `profile` process (out/cli.js, the path a user runs) and a plain ORT
// process (scripts/bench/plainOrtRun.mjs) on the same model file, the same token ids and ORT's
// default thread count, interleaved (profile, ORT, profile, ORT, ...), n >= 5, medians:
//   encoder     models/encoder (4 layers, 4x64) and a 6-layer 8x64 torch export
//               (scripts/bench/make_bench_encoder.py, built into .test-cache/bench/) at
//               128/512/1024 tokens (within each model's position table), policies off and
//               paper-bert
//   generation  models/decoder, paper-gpt2-small, 128-token prompt + 32 generated, against ORT
//               generating with models/decoder/model_with_past.onnx (its past-KV export)
//   scaling     the 6-layer encoder, paper-bert, 64..1024 tokens
//   cycle       scripts/bench-hardware.ts (the cycle model in rows/s on a 1M-row trace)
// Columns: whole-process wall time and peak RSS (the child's maxRSS), and the pass the comparison
// is about, measured inside each process. `--baseline-cli FILE` adds a third variant, the CLI
// bundle of another build (e.g. main's out/cli.js), interleaved with the other two.
//
//   node --import tsx scripts/bench.ts [--runs N] [--sections encoder,generation,scaling,cycle]
//       [--tokens 128,512,1024] [--scaling-tokens 64,128,256,512,1024] [--models encoder,encoder-6x8x64]
//       [--policies off,paper-bert] [--baseline-cli FILE] [--json FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runOrtProcess, runProfileProcess, writeProfileIds } from './bench/benchRuns';
import { benchJson, caseResult, formatBenchTable, type BenchCase, type BenchDocument, type CaseResult, type CycleModelResult, type ProcessSample, type VariantName } from './bench/benchTable';

const ROOT = path.resolve(__dirname, '..');
const SCRATCH = path.join(ROOT, '.test-cache', 'bench');
const TEXT = path.join(ROOT, 'models/decoder/heldout.txt');
const BENCH_ENCODER_DIR = path.join(SCRATCH, 'encoder-6x8x64');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function list(name: string, dflt: string): string[] {
  return (option(name) ?? dflt).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function counts(name: string, dflt: string): number[] {
  return list(name, dflt).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 2) throw new Error(`--${name}: '${s}' is not a token count of at least 2`);
    return n;
  });
}

interface BenchModel {
  label: string;
  file: string;
  positions: number;
}

function modelAt(dir: string): BenchModel {
  const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { max_position_embeddings?: number; n_positions?: number };
  return { label: path.basename(dir), file: path.join(dir, 'model.onnx'), positions: config.max_position_embeddings ?? config.n_positions ?? Infinity };
}

/** The 6-layer 8x64 encoder: a torch export made once into .test-cache (never committed). */
function benchEncoder(): BenchModel | null {
  if (!existsSync(path.join(BENCH_ENCODER_DIR, 'model.onnx'))) {
    console.error('building the 6-layer 8x64 encoder (torch.onnx.export) into .test-cache/bench/ ...');
    const r = spawnSync('/usr/bin/python3', [path.join(ROOT, 'scripts/bench/make_bench_encoder.py'), BENCH_ENCODER_DIR], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
    if (r.status !== 0) {
      console.error('could not build the 6-layer encoder (needs /usr/bin/python3 with torch and onnx): its cases are skipped');
      return null;
    }
  }
  return modelAt(BENCH_ENCODER_DIR);
}

const runs = Math.max(5, Number(option('runs') ?? 5));
if (!Number.isInteger(runs)) throw new Error('--runs must be an integer');
const sections = new Set(list('sections', 'encoder,generation,scaling,cycle'));
const cli = path.join(ROOT, 'out/cli.js');
if (!existsSync(cli)) throw new Error('out/cli.js is missing: npm run build first');
const baselineCli = option('baseline-cli');
if (baselineCli && !existsSync(baselineCli)) throw new Error(`no baseline CLI at ${baselineCli}`);

interface Planned extends BenchCase {
  modelFile: string;
  ortModelFile: string;
}

const planned: Planned[] = [];
const encoders = list('models', 'encoder,encoder-6x8x64');
const encoderModels = encoders.map((m) => (m === 'encoder-6x8x64' ? benchEncoder() : modelAt(path.join(ROOT, 'models', m)))).filter((m): m is BenchModel => m !== null);
if (sections.has('encoder')) {
  for (const m of encoderModels) {
    for (const tokens of counts('tokens', '128,512,1024')) {
      if (tokens > m.positions) {
        console.error(`${m.label}: ${tokens} tokens exceed its ${m.positions} positions (skipped)`);
        continue;
      }
      for (const policy of list('policies', 'off,paper-bert')) planned.push({ section: 'encoder', model: m.label, tokens, policy, modelFile: m.file, ortModelFile: m.file });
    }
  }
}
if (sections.has('generation')) {
  const dir = path.join(ROOT, 'models/decoder');
  planned.push({ section: 'generation', model: 'decoder', tokens: 128, policy: 'paper-gpt2-small', generate: 32, modelFile: path.join(dir, 'model.onnx'), ortModelFile: path.join(dir, 'model_with_past.onnx') });
}
if (sections.has('scaling')) {
  const m = encoderModels.find((x) => x.label === 'encoder-6x8x64') ?? encoderModels[0];
  if (m) for (const tokens of counts('scaling-tokens', '64,128,256,512,1024').filter((t) => t <= m.positions)) planned.push({ section: 'scaling', model: m.label, tokens, policy: 'paper-bert', modelFile: m.file, ortModelFile: m.file });
}

const jsonOut = option('json');
const setup = `onnxruntime-node, default intra-op threads on both sides (${runs} interleaved runs per case, medians); input: ${path.relative(ROOT, TEXT)} cut to the token count`;
const cases: CaseResult[] = [];
for (const c of planned) {
  const ids = writeProfileIds(c.modelFile, TEXT, c.tokens, SCRATCH);
  const samples: Partial<Record<VariantName, ProcessSample[]>> = { profile: [], ort: [], ...(baselineCli ? { 'profile (baseline)': [] } : {}) };
  const generate = c.generate ?? 0;
  const profileOf = (bundle: string) => () => {
    const s = runProfileProcess({ cli: bundle, model: c.modelFile, textFile: TEXT, maxTokens: c.tokens, policy: c.policy, generate, scratch: SCRATCH });
    if (s.inputTokens !== ids.count) throw new Error(`${c.model}: the profile read ${s.inputTokens} tokens, the ORT run ${ids.count}`);
    return s;
  };
  const variants: [VariantName, () => ProcessSample][] = [
    ['profile', profileOf(cli)],
    ['ort', () => runOrtProcess({ model: c.ortModelFile, idsFile: ids.file, generate })],
  ];
  if (baselineCli) variants.push(['profile (baseline)', profileOf(baselineCli)]);
  for (let i = 0; i < runs; i++) {
    for (const [name, run] of variants) (samples[name] as ProcessSample[]).push(run());
    process.stderr.write(`${c.section} ${c.model} ${ids.count} tokens ${c.policy}: run ${i + 1}/${runs}\n`);
  }
  cases.push(caseResult({ section: c.section, model: c.model, tokens: ids.count, policy: c.policy, ...(c.generate ? { generate: c.generate } : {}) }, samples));
  // The cases so far, so a long bench stopped midway still leaves what it measured.
  if (jsonOut) writeFileSync(jsonOut, benchJson({ setup, runs, cases }));
}

let cycleModel: BenchDocument['cycleModel'];
if (sections.has('cycle')) {
  const out = path.join(SCRATCH, 'bench-hardware.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bench-hardware.ts'), '--runs', String(runs), '--json', out], { stdio: ['ignore', 'ignore', 'inherit'], cwd: ROOT });
  if (r.status !== 0) throw new Error(`scripts/bench-hardware.ts failed (exit ${r.status})`);
  const hw = JSON.parse(readFileSync(out, 'utf8')) as { rows: number; results: CycleModelResult[] };
  cycleModel = { rows: hw.rows, results: hw.results.map(({ name, rowsPerSecond, rowsPerCpuSecond, peakRssMb }) => ({ name, rowsPerSecond, rowsPerCpuSecond, ...(peakRssMb !== undefined ? { peakRssMb } : {}) })) };
}

const doc: BenchDocument = {
  setup,
  runs,
  cases,
  ...(cycleModel ? { cycleModel } : {}),
};
console.log(formatBenchTable(doc));
if (jsonOut) writeFileSync(jsonOut, benchJson(doc));
