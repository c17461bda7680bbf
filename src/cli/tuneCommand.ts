// `spatten-profile tune <model> (--text-file F | --batch-file F) --budget 1%`: searches the SpAtten
// policy space for the cheapest policy within an accuracy budget (src/engine/tune/runTune.ts) and
// prints the side-by-side with the paper preset; writes the trials (--json), the Pareto chart
// (--html) and the chosen policy as a policy file `profile --policy` accepts (--policy-out).
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { InputError } from '../engine/errors';
import { evenlySpaced, PASSAGE_CHARS, readTuneInputs } from '../engine/tune/tuneInputs';
import type { InputBatch } from '../engine/inputFiles';
import { DEFAULT_MAX_TOKENS, MAX_TOKENS_CEILING } from '../engine/profile';
import { POLICY_PRESET_NAMES, type PolicyPresetName } from '../engine/spatten/policy';
import { parseBudget, TUNE_METRICS, TUNE_OBJECTIVES, type TuneMetric, type TuneObjective } from '../engine/tune/tuneLoss';
import { runTune, type TuneResult, type TunedPoint } from '../engine/tune/runTune';
import { defaultPoolSize } from '../engine/tune/trialPool';
import { tuneHtml } from '../engine/tune/tuneHtml';
import { formatBestPoint, formatLoss as formatLossOf, formatPairedComparison, PAIRED_NOTE } from '../engine/tune/lossFormat';
import type { PairedComparison } from '../engine/tune/pairedComparison';
import { formatValue } from '../engine/report/formatQuantity';
import { hardwareArgument } from './profileInputs';
import { defaultIo, formatTable, type CommandIo } from './simulateCommand';
import { checkOutputs, writeOutput } from './outputs';
import { countIn, parseCount } from './profileCommand';

interface TuneFlags {
  textFile?: string;
  batchFile?: string;
  passageChars: number;
  inputs?: number;
  budget: string;
  metric: TuneMetric;
  objective: TuneObjective;
  trials: number;
  seed: number;
  heldOut: number;
  workers?: number;
  baseline?: PolicyPresetName;
  hardware: string;
  maxTokens?: number;
  json?: string;
  html?: string;
  policyOut?: string;
}

function fraction(v: string): number {
  const x = Number(v);
  if (!(x > 0 && x < 1)) throw new InvalidArgumentError('must be a fraction in (0, 1), e.g. 0.5');
  return x;
}

/** The inputs to split: a batch file's lines, or a text file cut into passages at line ends. */
async function tuneInputs(o: TuneFlags): Promise<InputBatch> {
  if ((o.textFile === undefined) === (o.batchFile === undefined)) throw new InputError('input', 'give exactly one of --text-file, --batch-file');
  const all = o.batchFile !== undefined ? await readTuneInputs(o.batchFile, 'lines') : await readTuneInputs(o.textFile as string, 'passages', o.passageChars);
  return o.inputs === undefined ? all : evenlySpaced(all, o.inputs);
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

const formatLoss = (r: Pick<TuneResult, 'metric'>, x: number) => formatLossOf(r.metric, x);

function pointRows(r: TuneResult, p: TunedPoint): string[][] {
  return (['calibration', 'heldOut'] as const).map((split) => {
    const f = p[split];
    return [
      `${p.label}${p.trial ? ` (#${p.trial})` : ''}`,
      split === 'heldOut' ? 'held-out' : 'calibration',
      `${f.loss.inputs}`,
      formatLoss(r, f.loss.loss),
      `[${formatLoss(r, f.loss.interval.low)}, ${formatLoss(r, f.loss.interval.high)}]`,
      r.metric === 'accuracy' ? `${pct(f.loss.pruned)} [${pct(f.loss.prunedInterval?.low ?? NaN)}, ${pct(f.loss.prunedInterval?.high ?? NaN)}]` : formatValue(f.loss.pruned, r.metric === 'agreement' ? 'fraction' : ''),
      formatValue(f.dramReduction, '×'),
      formatValue(f.speedup, '×'),
      formatValue(f.energySaving, '×'),
    ];
  });
}

export function formatTuneSummary(r: TuneResult): string {
  const lines: string[] = [];
  const budget = r.budget.relative ? `${r.budget.value * 100}% of dense perplexity = ${formatLoss(r, r.budget.absolute)}` : formatLoss(r, r.budget.absolute);
  lines.push(`${r.model.name} (${r.model.fileName}): ${r.model.layers} layers x ${r.model.heads} heads, ${r.model.mode}; hardware ${r.hardware}; metric ${r.metric}, budget ${budget}; objective ${r.objective}; seed ${r.seed}`);
  const halving = r.split.rungs.length > 1 ? `${r.trials.filter((t) => t.full).length} measured on all ${r.split.calibration.length} calibration inputs, the rest stopped earlier in successive halving over ${r.split.rungs.join(' / ')} inputs` : `each measured on all ${r.split.calibration.length} calibration inputs`;
  lines.push(`${r.trials.length} trials (${halving}), held-out ${r.split.heldOut.length} inputs; ${r.search.workers} workers, ${r.search.inputEvaluations} input runs; ${r.search.wallSeconds.toFixed(1)} s wall, ${(r.search.workerCpuSeconds + r.search.coordinatorCpuSeconds).toFixed(1)} s CPU (measured)`);
  lines.push('');
  const metricName = r.metric === 'accuracy' ? 'accuracy [Wilson 95%]' : r.metric === 'perplexity' ? 'perplexity' : r.metric;
  const rows = [...pointRows(r, r.baseline), ...(r.chosen ? pointRows(r, r.chosen) : []), ...(r.matched ? pointRows(r, r.matched) : [])];
  lines.push(formatTable(['policy', 'split', 'inputs', `${r.metric} loss`, 'loss 95% CI (bootstrap)', metricName, 'DRAM reduction', 'speedup', 'energy saving'], rows).trimEnd());
  lines.push('(loss and accuracy: measured, dense vs SpAtten on the same inputs; DRAM reduction, speedup, energy saving: modelled, dense fp32 / SpAtten summed over the inputs, pipelined timing)');
  const paired = [r.chosen, r.matched].filter((p): p is TunedPoint => p?.heldOutVsBaseline !== undefined);
  if (paired.length > 0) {
    lines.push('');
    lines.push(`Held-out, paired against ${r.baseline.label} (measured):`);
    for (const p of paired) lines.push(`  ${p.label}${p.trial ? ` (#${p.trial})` : ''}: ${formatPairedComparison(p.heldOutVsBaseline as PairedComparison)}`);
    lines.push(`(${PAIRED_NOTE})`);
    lines.push('');
  }
  lines.push(`${r.baseline.label}: ${r.baseline.description}`);
  if (r.chosen) lines.push(`tuned:  ${r.chosen.description}`);
  if (r.matched) lines.push(`${r.matched.label}: ${r.matched.description}`);
  lines.push('');
  const front = r.trials.filter((t) => t.onFront).sort((a, b) => a.relativeCost - b.relativeCost);
  lines.push(`Pareto front (calibration, ${r.objective} as a fraction of dense vs ${r.metric} loss):`);
  lines.push(formatTable(['trial', `${r.objective}/dense`, 'loss', 'within budget', 'policy'], front.map((t) => [`#${t.id}${t.label ? ` ${t.label}` : ''}`, pct(t.relativeCost), formatLoss(r, t.loss.loss), t.loss.loss <= r.budget.absolute ? 'yes' : 'no', t.description])).trimEnd());
  return lines.join('\n') + '\n';
}

export function registerTuneCommand(program: Command, io: CommandIo = defaultIo): void {
  program
    .command('tune')
    .description('search the SpAtten policy space for the cheapest policy within an accuracy budget (each trial runs the real engine); compare it with the paper preset on held-out inputs')
    .argument('<model>', 'the .onnx model (its tokenizer beside it)')
    .option('--text-file <file>', 'a text file, cut into passages of at least --passage-chars characters at line ends (language models)')
    .option('--passage-chars <n>', 'shortest passage a --text-file is cut into, in characters (a longer context per input; --max-tokens still truncates)', countIn(1, 1_000_000), PASSAGE_CHARS)
    .option('--inputs <n>', 'use n of the inputs (passages or lines), evenly spaced through the file (default: all)', countIn(2, 1_000_000))
    .option('--batch-file <file>', 'one input per line (.txt) or per JSON line with "text" and optional "label" (.jsonl)')
    .requiredOption('--budget <loss>', 'largest accuracy loss allowed: 1% (accuracy, agreement), 0.5 or 2% (perplexity: absolute or of dense), 0.01 (kl, nats)')
    .addOption(new Option('--metric <name>', 'what the budget bounds').choices([...TUNE_METRICS]).default('accuracy'))
    .addOption(new Option('--objective <name>', 'what the search minimises (modelled)').choices([...TUNE_OBJECTIVES]).default('dram'))
    .option('--trials <n>', 'policies tried (each screened on part of the calibration inputs, the promising ones on all)', countIn(4, 1000), 50)
    .option('--seed <n>', 'seed of the split and the search', parseCount, 1)
    .option('--held-out <fraction>', 'fraction of the inputs held out for the final check', fraction, 0.5)
    .option('--workers <n>', `trial worker processes (default: one per core, here ${defaultPoolSize()})`, countIn(1, 64))
    .addOption(new Option('--baseline <preset>', 'preset compared with (default: paper-bert for encoders, paper-gpt2-small for decoders)').choices(POLICY_PRESET_NAMES.filter((n) => n !== 'off')))
    .option('--hardware <name|file>', 'hardware preset or JSON config', 'spatten-1x')
    .option('--max-tokens <n>', `truncate inputs to this many tokens (default ${DEFAULT_MAX_TOKENS})`, countIn(2, MAX_TOKENS_CEILING))
    .option('--json <file|->', 'write the result (every trial, the front, the side-by-side) as JSON (- = stdout)')
    .option('--html <file>', 'write an HTML page with the Pareto chart and the side-by-side')
    .option('--policy-out <file>', 'write the chosen policy as a policy JSON file (for profile --policy)')
    .action(async (model: string, o: TuneFlags) => {
      const budget = parseBudget(o.budget, o.metric);
      checkOutputs([o.json, o.html, o.policyOut]);
      const hardware = hardwareArgument(o.hardware);
      const { texts, labels } = await tuneInputs(o);
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      let result: TuneResult;
      let lastLine = '';
      try {
        result = await runTune({
          modelPath: model, texts, labels, hardware, maxTokens: o.maxTokens, metric: o.metric, budget, objective: o.objective, trials: o.trials, seed: o.seed,
          heldOutFraction: o.heldOut, workers: o.workers, baseline: o.baseline, signal: controller.signal,
          onProgress: (p) => {
            const best = p.best ? `; best within budget: ${formatBestPoint(p.best, o.objective, o.metric)}` : '';
            const line = `[tune] ${p.stage} ${p.done}/${p.total}${best}\n`;
            if (line !== lastLine) io.stderr.write(line);
            lastLine = line;
          },
        });
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      const json = JSON.stringify(result, null, 1) + '\n';
      if (o.json === '-') writeOutput('-', json, io.stdout);
      else io.stdout.write(formatTuneSummary(result));
      // Per-input notes (truncation) can be one per input: the first few, then a count.
      for (const w of result.warnings.slice(0, 3)) io.stderr.write(`warning: ${w}\n`);
      if (result.warnings.length > 3) io.stderr.write(`warning: ... and ${result.warnings.length - 3} more (all in the --json result's "warnings")\n`);
      if (o.json && o.json !== '-') writeOutput(o.json, json, io.stdout);
      if (o.html) writeOutput(o.html, tuneHtml(result), io.stdout);
      if (o.policyOut) {
        if (!result.chosen) throw new InputError('--policy-out', 'no policy met the budget, so none was written');
        try {
          writeFileSync(o.policyOut, JSON.stringify({ $schema: 'https://spatten-profiler/schema/policy.schema.json', ...(result.chosen.policy as Record<string, unknown>) }, null, 2) + '\n');
        } catch (e) {
          throw new InputError(o.policyOut, `cannot write the policy (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
        io.stderr.write(`wrote ${o.policyOut}\n`);
      }
    });
}
