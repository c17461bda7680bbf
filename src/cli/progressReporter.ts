// Progress on stderr: a cli-progress bar when stderr is a terminal, one plain line per stage
// otherwise (CI logs, pipes). stdout is never touched, so `--json -` stays parseable.
import { SingleBar, Presets } from 'cli-progress';
import type { ProfileProgress } from '../engine/profileRequest';

export interface ProgressReporter {
  update(p: ProfileProgress): void;
  stop(): void;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (stream.isTTY) {
    const bar = new SingleBar(
      { stream, format: ' {bar} {percentage}% | {stage} {detail}', hideCursor: true, clearOnComplete: true },
      Presets.shades_classic,
    );
    bar.start(100, 0, { stage: '', detail: '' });
    return {
      update: (p) => bar.update(Math.round((p.fraction ?? 0) * 100), { stage: p.stage, detail: p.detail ?? '' }),
      stop: () => bar.stop(),
    };
  }
  let last = '';
  return {
    update: (p) => {
      // One line per stage change keeps logs short; layer-by-layer detail only on a terminal.
      if (p.stage !== last) stream.write(`[spatten] ${p.stage}${p.detail ? `: ${p.detail}` : ''}\n`);
      last = p.stage;
    },
    stop: () => undefined,
  };
}
