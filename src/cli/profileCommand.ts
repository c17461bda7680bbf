// `spatten-profile profile <model.onnx>`: run a model through the SpAtten engine and print a
// per-layer summary; write the requested exports (--json/--html/--csv/--workload-csv/--perfetto).
import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_MAX_TOKENS, MAX_GENERATE_TOKENS, MAX_TOKENS_CEILING, runProfile } from '../engine/profile';
import { hardwarePresets } from '../engine/hardware/hardwarePresets';
import type { ProfileReport, Quantity } from '../engine/report/profileReport';
import { renderExport, writeExport } from '../engine/report/writeExport';
import { headCsv, layerCsv } from '../engine/report/csvExport';
import { InputError } from '../engine/errors';
import { createProgressReporter } from './progressReporter';
import { collect, graphInputsArgument, policyArgument, hardwareArgument } from './profileInputs';
import { readInputFile, type InputBatch } from '../engine/inputFiles';
import { defaultIo, formatTable, type CommandIo } from './simulateCommand';
import { formatNumber, formatValue } from '../engine/report/formatQuantity';
import { checkOutputs, writeOutput } from './outputs';
import { makeOutputFolder } from '../engine/files/outputPath';
import { modelLabel } from '../engine/model/modelName';

export function parseCount(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number');
  return Number(v);
}

/** A whole-number option parser with its limits in the message. */
function countIn(min: number, max: number): (v: string) => number {
  return (v) => {
    const n = parseCount(v);
    if (n < min || n > max) throw new InvalidArgumentError(`must be a whole number in ${min}..${max}`);
    return n;
  };
}

export interface ProfileFlags {
  text?: string;
  textFile?: string;
  batchFile?: string;
  policy: string;
  hardware: string;
  generate: number;
  maxTokens?: number;
  input?: string[];
  inputShape?: string[];
}

export function addProfileInputOptions(cmd: Command): Command {
  return cmd
    .option('--text <text>', 'the text to profile')
    .option('--text-file <file>', 'a text file profiled as one input')
    .option('--batch-file <file>', 'one input per line (.txt) or per JSON line with a "text" and optional "label" (.jsonl); accuracy is averaged with 95% CIs')
    .option('--input <name=file.npy>', 'a graph input as a NumPy .npy (repeatable), e.g. pixel_values=img.npy', collect)
    .option('--input-shape <name=d0,d1,...>', 'a graph input of this shape, filled with seeded synthetic values (repeatable), e.g. x=1,3,48,320', collect)
    .option('--policy <name|file>', 'policy preset (auto, off, paper-bert, paper-gpt2-small, paper-gpt2-medium, aggressive) or a JSON policy file; auto: paper-bert for encoders, paper-gpt2-small for decoders', 'auto')
    .option('--hardware <name|file>', `hardware preset (${Object.keys(hardwarePresets).join(', ')}) or a JSON hardware config`, 'spatten-1x')
    .option('--generate <n>', `tokens to generate greedily after the prompt (decoders), at most ${MAX_GENERATE_TOKENS}`, countIn(0, MAX_GENERATE_TOKENS), 0)
    .option('--max-tokens <n>', `truncate inputs to this many tokens (default ${DEFAULT_MAX_TOKENS}, at most ${MAX_TOKENS_CEILING})`, countIn(2, MAX_TOKENS_CEILING));
}

/** The texts (and labels) to profile; none when no text flag is given (models without token input). */
export async function requestInputs(o: ProfileFlags): Promise<InputBatch> {
  const given = [o.text !== undefined, o.textFile !== undefined, o.batchFile !== undefined].filter(Boolean).length;
  if (given > 1) throw new InputError('input', 'give at most one of --text, --text-file, --batch-file');
  if (given === 0) return { texts: [] };
  if (o.text !== undefined) {
    if (o.text.trim() === '') throw new InputError('--text', 'the text is empty');
    return { texts: [o.text] };
  }
  return o.textFile !== undefined ? readInputFile(o.textFile, 'whole') : readInputFile(o.batchFile as string, 'lines');
}

// Same formatting as the report views (formatQuantity.ts): 166 µs, 1 GHz, 1.68 MB, 12.4×.
function quantityLine(name: string, v: Quantity): string {
  return `  ${name.padEnd(20)} ${formatValue(v.value, v.unit).padStart(16)}  [${v.source}] ${v.note ?? ''}`;
}

/** The verdict first: one sentence, the four figures, why and what to try next. */
function verdictLines(r: ProfileReport): string[] {
  const v = r.verdict;
  if (!v) return [];
  const figs = v.figures.map((f) => `  ${f.label.padEnd(38)} ${formatValue(f.value.value, f.value.unit).padStart(12)}${f.versus ? `  (${formatValue(f.versus.value, f.versus.unit)}${f.id === 'accuracy' ? ' above dense' : ' vs dense'})` : ''}  [${f.value.source}]`);
  const bounds = v.layers.map((l) => `L${l.layer} ${l.bound} (${l.busiestUnit} ${formatValue(l.busiestShare, 'fraction')})`).join(', ');
  return ['verdict:', `  ${v.sentence}`, ...figs, `  bound per layer: ${bounds}`, ...v.advice.map((a) => `  try: ${a.text}`), ''];
}

/** One output of several, compared: its kind, shape and figures on one line. */
function outputLine(o: NonNullable<ProfileReport['accuracy']['outputs']>[number]): string {
  const figures = Object.entries(o.metrics).map(([k, v]) => `${k} ${formatValue(v.value, v.unit)}`);
  return `  output ${o.name} (${o.kind}, [${o.dims.join(', ')}]): ${figures.join(', ')}`;
}

/** The per-layer table and the summary printed by `profile` (warnings go to stderr). */
export function formatProfileSummary(r: ProfileReport): string {
  const rows = r.layers.map((l, i) => {
    const t = r.tokens.layers[i];
    const rows = r.refetch.rows[i]?.reduce((a, b) => a + b, 0) ?? 0;
    const ref = r.refetch.refetched[i]?.reduce((a, b) => a + b, 0) ?? 0;
    const bytes = l.dramBytes.kMsb + l.dramBytes.kLsb + l.dramBytes.v + l.dramBytes.q;
    return [
      String(i),
      t ? `${t.tokensIn}->${t.tokensKept}` : '-',
      t ? String(t.headsKept) : '-',
      rows ? formatValue(ref / rows, 'fraction') : '-',
      formatNumber(Math.round(l.cycles)),
      formatNumber(Math.round(l.denseCycles)),
      formatValue(l.denseCycles / l.cycles, '×'),
      r.verdict?.layers[i]?.bound ?? l.bound,
      formatValue(bytes, 'B'),
      formatValue(l.denseDramBytes, 'B'),
      formatValue(l.energyJoules, 'J'),
    ];
  });
  const m = r.model;
  const policy = r.policy.source === 'auto' ? `${r.policy.name} (${r.policy.reason ?? 'auto'})` : r.policy.name;
  const n = r.input.tokens.length;
  const prompt = r.input.promptTokens ?? n;
  const tokens = prompt < n ? `${prompt} input + ${n - prompt} generated tokens` : `${prompt} input tokens`;
  const head = `${modelLabel(m)} (${m.fileName}): ${m.family}, ${m.layers} layers x ${m.heads} heads (${m.kvHeads} KV), head dim ${m.headDim}, ${r.mode}, ${tokens}; policy ${policy}, hardware ${r.hardware.name}\n`;
  const table = formatTable(
    ['layer', 'tokens in->kept', 'heads', 'refetched', 'cycles', 'dense cycles', 'speedup', 'bound', 'DRAM', 'dense DRAM (fp32)', 'energy'],
    rows,
  );
  const last = r.tokens.steps?.at(-1)?.step;
  const pass = last === undefined || last < 0 ? 'the prompt/encoder pass' : `decode step ${last} (the last; report.tokens.steps has every pass)`;
  const note = `(tokens/heads: ${pass}, measured; cycles, bound, DRAM, energy: all passes, modelled)\n`;
  const summary = Object.entries(r.summary).map(([k, v]) => quantityLine(k, v));
  const accuracy = Object.entries(r.accuracy.metrics).map(([k, v]) => quantityLine(k, v));
  const outputs = (r.accuracy.outputs ?? []).length > 1 ? (r.accuracy.outputs ?? []).map(outputLine) : [];
  // Warnings go to stderr (profileCommand's action), not into the table.
  return [head, ...verdictLines(r), table, note, 'summary:', ...summary, 'accuracy (dense vs SpAtten):', ...accuracy, ...outputs, ''].join('\n');
}

export function registerProfileCommand(program: Command, io: CommandIo = defaultIo): void {
  const cmd = program
    .command('profile')
    .description('run an ONNX transformer through the SpAtten engine: pruning decisions (measured), cycles/DRAM/energy (modelled), accuracy impact (measured)')
    .argument('<model>', 'the .onnx model (its tokenizer.json or tokenizer.bin beside it)');
  addProfileInputOptions(cmd)
    .option('--json <file|->', 'write the ProfileReport JSON (- = stdout, and no table)')
    .option('--html <file>', 'write the self-contained HTML report')
    .option('--csv <dir>', 'write per-layer.csv and per-head.csv into this folder')
    .option('--workload-csv <file>', "write the Trace in the SpAtten authors' workload CSV schema")
    .option('--perfetto <file>', 'write the hardware timeline as Chrome trace / Perfetto JSON')
    .action(async (model: string, o: ProfileFlags & { json?: string; html?: string; csv?: string; workloadCsv?: string; perfetto?: string }) => {
      checkOutputs([o.json, o.html, o.workloadCsv, o.perfetto], o.csv);
      const { texts, labels } = await requestInputs(o);
      const progress = createProgressReporter(io.stderr as NodeJS.WriteStream);
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      let result;
      try {
        result = await runProfile(
          { modelPath: model, texts, labels, inputs: graphInputsArgument(o.input, o.inputShape), policy: policyArgument(o.policy), hardware: hardwareArgument(o.hardware), generateTokens: o.generate, maxTokens: o.maxTokens, signal: controller.signal },
          (p) => progress.update(p),
        );
      } finally {
        progress.stop();
        process.removeListener('SIGINT', onSigint);
      }
      if (o.json === '-') writeOutput('-', await renderExport(result, 'json'), io.stdout);
      else io.stdout.write(formatProfileSummary(result.report));
      // Warnings (a trimmed prompt, a cut input) go to stderr, where they are seen even when stdout is the JSON.
      for (const w of result.report.warnings) io.stderr.write(`warning: ${w}\n`);
      const written: string[] = [];
      const write = async (file: string | undefined, format: 'json' | 'html' | 'workload-csv' | 'perfetto') => {
        if (!file || file === '-') return;
        await writeExport(result, format, file).catch((e: NodeJS.ErrnoException) => {
          throw e instanceof InputError ? e : new InputError(file, `cannot write (${e.code ?? e.message})`);
        });
        written.push(file);
      };
      await write(o.json, 'json');
      await write(o.html, 'html');
      await write(o.workloadCsv, 'workload-csv');
      await write(o.perfetto, 'perfetto');
      if (o.csv) {
        try {
          makeOutputFolder(o.csv);
          writeFileSync(path.join(o.csv, 'per-layer.csv'), layerCsv(result.report));
          writeFileSync(path.join(o.csv, 'per-head.csv'), headCsv(result.report));
        } catch (e) {
          if (e instanceof InputError) throw e;
          throw new InputError(o.csv, `cannot write CSV files (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
        written.push(path.join(o.csv, 'per-layer.csv'), path.join(o.csv, 'per-head.csv'));
      }
      for (const f of written) io.stderr.write(`wrote ${f}\n`);
    });
}
