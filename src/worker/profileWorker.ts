// The profile worker (bundled to out/profileWorker.js): a child process that runs the engine's
// runProfile for the extension, so a long profile never blocks the editor, cancelling is killing
// the process, and an out-of-memory or a native crash in onnxruntime ends only this process (the
// host sees its exit; see src/extension/profileWorkerHost.ts). A child process, not a worker
// thread: terminating a thread while onnxruntime-node is inside a native call aborts the whole
// process (a Napi::Error thrown with no JS environment left), i.e. the extension host.
// One process per profile run: the engine and onnxruntime-node load here, never in the host.
import { runProfile } from '../engine/profile';
import type { ProfileProgress, ProfileResult } from '../engine/profileRequest';
import { runSweep } from '../engine/sweep';
import { serializeError } from './serializedError';
import {
  DidFailNotification,
  DidFinishNotification,
  DidProgressNotification,
  ipcMessage,
  isIpcMessage,
  RunProfileCommand,
  RunSweepCommand,
  TEST_HOOK_VARIABLE,
  type IpcMessage,
} from './workerProtocol';

const send = process.send?.bind(process);
if (!send) throw new Error('profileWorker.js runs only as a child process with an IPC channel');
const post = (message: IpcMessage) => void send(message);

/** The crash-isolation tests' failures (see TEST_HOOK_VARIABLE): real ones, inside this process. */
function runTestHook(hook: string): void {
  if (hook === 'exit') process.exit(70);
  if (hook === 'oom') {
    const hog: number[][] = [];
    for (;;) hog.push(new Array<number>(1 << 20).fill(hog.length));
  }
}

function answer(run: Promise<ProfileResult>): void {
  run.then(
    (result) => post(ipcMessage(DidFinishNotification, { result })),
    (error: unknown) => post(ipcMessage(DidFailNotification, { error: serializeError(error) })),
  );
}

process.on('message', (message: unknown) => {
  const onProgress = (progress: ProfileProgress) => post(ipcMessage(DidProgressNotification, { progress }));
  if (isIpcMessage(message, RunProfileCommand)) {
    const hook = process.env[TEST_HOOK_VARIABLE];
    if (hook) runTestHook(hook);
    answer(runProfile(message.params.request, onProgress));
  } else if (isIpcMessage(message, RunSweepCommand)) {
    // Only the last point's result crosses back: its report carries every point's row.
    answer(runSweep(message.params.request, message.params.keeps, onProgress).then((r) => r.last));
  }
});
// The host going away (its window closed, the host restarted) ends the profile too.
process.on('disconnect', () => process.exit(0));
