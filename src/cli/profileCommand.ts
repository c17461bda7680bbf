// `spatten-profile profile <model.onnx>`: run a model through the SpAtten engine and print a
// per-layer summary; write the requested exports (one flag per format of report/exportFormats.ts).
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MAX_TOKENS, MAX_GENERATE_TOKENS, MAX_TOKENS_CEILING, runProfile } from '../engine/profile';
import { hardwarePresets } from '../engine/hardware/hardwarePresets';
import { POLICY_PRESET_NAMES } from '../engine/spatten/policy';
import { AUTO_POLICY, autoPreset } from '../engine/spatten/autoPolicy';
import type { ProfileReport, Quantity } from '../engine/report/profileReport';
import { renderExport, writeExport, writeExportToFolder } from '../engine/report/writeExport';
import { EXPORT_FORMATS, EXPORT_FORMAT_IDS } from '../engine/report/exportFormats';
import type { ProfileResult } from '../engine/profileRequest';
import { InputError } from '../engine/errors';
import { createProgressReporter } from './progressReporter';
import { collect, graphInputsArgument, policyArgument, hardwareArgument } from './profileInputs';
import { readInputFile, type InputBatch } from '../engine/inputFiles';
import { defaultIo, formatTable, type CommandIo } from './simulateCommand';
import { formatNumber, formatValue } from '../engine/report/formatQuantity';
import { checkOutputs, writeOutput } from './outputs';
import { modelLabel } from '../engine/model/modelName';

export function parseCount(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number');
  return Number(v);
}

/** A whole-number option parser with its limits in the message. */
export function countIn(min: number, max: number): (v: string) => number {
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
    .option('--policy <name|file>', `policy preset (${[AUTO_POLICY, ...POLICY_PRESET_NAMES].join(', ')}) or a JSON policy file; ${AUTO_POLICY}: ${autoPreset('encoder')} for encoders, ${autoPreset('generation')} for decoders`, 'auto')
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

/** A CLI option per export format (exportFormats.ts): its attribute name in the parsed flags. */
const EXPORT_OPTIONS = EXPORT_FORMAT_IDS.map((format) => {
  const cli = EXPORT_FORMATS[format].cli;
  return { format, cli, option: new Option(cli.flags, cli.help) };
});

type ExportTargets = Record<string, string | undefined>;

function checkExportTargets(o: ExportTargets): void {
  const toStdout = EXPORT_OPTIONS.filter(({ option, cli }) => cli.stdout && o[option.attributeName()] === '-');
  if (toStdout.length > 1) throw new InputError('-', `only one export can go to stdout (${toStdout.map((x) => x.option.long).join(', ')})`);
  checkOutputs(
    EXPORT_OPTIONS.filter(({ cli }) => cli.target === 'file').map(({ option }) => o[option.attributeName()]),
  );
  for (const { option, cli } of EXPORT_OPTIONS) {
    const dir = o[option.attributeName()];
    if (cli.target === 'folder' && dir !== undefined) checkOutputs([], dir);
  }
}

/** Writes every export the flags ask for; returns the files written. */
async function writeExports(result: ProfileResult, o: ExportTargets, stdout: CommandIo['stdout']): Promise<string[]> {
  const written: string[] = [];
  for (const { format, cli, option } of EXPORT_OPTIONS) {
    const target = o[option.attributeName()];
    if (target === undefined) continue;
    if (target === '-' && cli.stdout) {
      for (const file of renderExport(result, format)) writeOutput('-', file.content, stdout);
      continue;
    }
    try {
      written.push(...(cli.target === 'folder' ? await writeExportToFolder(result, format, target) : await writeExport(result, format, target)));
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(target, `cannot write ${EXPORT_FORMATS[format].label} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return written;
}

export function registerProfileCommand(program: Command, io: CommandIo = defaultIo): void {
  const cmd = program
    .command('profile')
    .description('run an ONNX transformer through the SpAtten engine: pruning decisions (measured), cycles/DRAM/energy (modelled), accuracy impact (measured)')
    .argument('<model>', 'the .onnx model (its tokenizer.json or tokenizer.bin beside it)');
  addProfileInputOptions(cmd);
  for (const { option } of EXPORT_OPTIONS) cmd.addOption(option);
  cmd.action(async (model: string, o: ProfileFlags & ExportTargets) => {
    checkExportTargets(o);
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
    // The table goes to stdout unless an export does.
    if (!EXPORT_OPTIONS.some(({ option }) => o[option.attributeName()] === '-')) io.stdout.write(formatProfileSummary(result.report));
    // Warnings (a trimmed prompt, a cut input) go to stderr, where they are seen even when stdout is the JSON.
    for (const w of result.report.warnings) io.stderr.write(`warning: ${w}\n`);
    for (const f of await writeExports(result, o, io.stdout)) io.stderr.write(`wrote ${f}\n`);
  });
}
