// `spatten-profile sweep <model> --text-file F --keep 1,0.8,0.6,0.4,0.2`: the accuracy-vs-reduction
// table that lets a user pick a token keep fraction for their model.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { runSweep } from '../engine/sweep';
import { MAX_SWEEP_POINTS, sweepKeeps } from '../engine/sweepKeeps';
import { reportHtml } from '../engine/report/writeExport';
import { createProgressReporter } from './progressReporter';
import { addProfileInputOptions, requestInputs, type ProfileFlags } from './profileCommand';
import { graphInputsArgument, policyArgument, hardwareArgument } from './profileInputs';
import { defaultIo, formatTable, type CommandIo } from './simulateCommand';
import { checkOutputs, writeOutput } from './outputs';

/** The syntax of --keep; how many (deduplicated, at most MAX_SWEEP_POINTS) is checked by sweepKeeps. */
export function parseKeeps(v: string): number[] {
  const keeps = v.split(',').map((s) => Number(s.trim()));
  if (keeps.some((k) => !(k > 0 && k <= 1))) throw new InvalidArgumentError('must be comma-separated fractions in (0, 1], e.g. 1,0.8,0.6');
  return keeps;
}

export function registerSweepCommand(program: Command, io: CommandIo = defaultIo): void {
  const cmd = program
    .command('sweep')
    .description('profile once per token keep fraction and print accuracy vs K/L, speedup and DRAM reduction')
    .argument('<model>', 'the .onnx model');
  addProfileInputOptions(cmd)
    .requiredOption('--keep <fractions>', `comma-separated keep fractions, e.g. 1,0.8,0.6,0.4,0.2 (duplicates dropped, at most ${MAX_SWEEP_POINTS})`, parseKeeps)
    .option('--json <file|->', 'write the sweep rows as JSON (- = stdout)')
    .option('--html <file>', 'write the HTML report of the last point, with the sweep table and curve')
    .action(async (model: string, o: ProfileFlags & { keep: number[]; json?: string; html?: string }) => {
      // Checked before anything is read or run: a 2,000-value list would otherwise run for hours.
      const keeps = sweepKeeps(o.keep);
      checkOutputs([o.json, o.html]);
      const { texts, labels } = await requestInputs(o);
      const progress = createProgressReporter(io.stderr as NodeJS.WriteStream);
      let result;
      try {
        result = await runSweep(
          { modelPath: model, texts, labels, inputs: graphInputsArgument(o.input, o.inputShape), policy: policyArgument(o.policy), hardware: hardwareArgument(o.hardware), generateTokens: 0, maxTokens: o.maxTokens },
          keeps,
          (p) => progress.update(p),
        );
      } finally {
        progress.stop();
      }
      const f = (x: number | undefined, d = 4) => (x === undefined || !Number.isFinite(x) ? '-' : Number(x.toPrecision(d)).toString());
      const rows = result.rows.map((r) => [f(r.keep), f(r.keysFetchedFraction), f(r.valuesFetchedFraction), `${f(r.speedup)}x`, `${f(r.dramReduction)}x`, f(r.metric), r.metricLow === undefined ? '-' : `[${f(r.metricLow)}, ${f(r.metricHigh)}]`]);
      const metric = result.rows[0].metricName;
      if (o.json === '-') writeOutput('-', JSON.stringify(result.rows, null, 1) + '\n', io.stdout);
      else {
        io.stdout.write(formatTable(['keep', 'K/L', 'V/L', 'speedup', 'DRAM reduction', metric, '95% CI'], rows));
        io.stdout.write('(K/L, V/L, accuracy: measured; speedup and DRAM reduction vs dense fp32: modelled)\n');
      }
      if (o.json && o.json !== '-') writeOutput(o.json, JSON.stringify(result.rows, null, 1) + '\n', io.stdout);
      if (o.html) {
        writeOutput(o.html, reportHtml(result.reports[result.reports.length - 1]), io.stdout);
      }
    });
}
