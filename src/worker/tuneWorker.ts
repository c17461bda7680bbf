// A `tune` trial worker (bundled to out/tuneWorker.js): a child process of the trial pool
// (src/engine/tune/trialPool.ts) holding one TrialRunner, i.e. the model, its ORT sessions and the
// dense reference of the inputs it has seen. It answers one message at a time:
//   pool -> worker   tune/init {setup}                 load; answers tune/ready {info} or tune/failed
//                    tune/evaluate {job, policy, indices}  answers tune/outcomes {job, outcomes} or tune/failed
// A child process rather than a worker thread for the reason profileWorker.ts gives (ending a
// thread inside a native ORT call aborts the whole process), and so that a crash ends one trial.
import { TrialRunner } from '../engine/tune/trialRunner';
import { serializeError } from './serializedError';
import type { TuneWorkerReply, TuneWorkerRequest } from '../engine/tune/trialPool';

const send = process.send?.bind(process);
if (!send) throw new Error('tuneWorker.js runs only as a child process with an IPC channel');
const post = (m: TuneWorkerReply) => void send(m);

let runner: Promise<TrialRunner> | null = null;

process.on('message', (m: TuneWorkerRequest) => {
  if (m.method === 'tune/init') {
    runner = TrialRunner.create(m.setup);
    runner.then(
      (r) => post({ method: 'tune/ready', info: r.info }),
      (e: unknown) => post({ method: 'tune/failed', job: -1, error: serializeError(e) }),
    );
  } else if (m.method === 'tune/evaluate') {
    if (!runner) return post({ method: 'tune/failed', job: m.job, error: { name: 'Error', message: 'tune worker not initialised' } });
    runner
      .then((r) => r.evaluate(m.policy, m.indices))
      .then(
        (outcomes) => {
          const cpu = process.cpuUsage();
          post({ method: 'tune/outcomes', job: m.job, outcomes, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
        },
        (e: unknown) => post({ method: 'tune/failed', job: m.job, error: serializeError(e) }),
      );
  }
});
process.on('disconnect', () => process.exit(0));
