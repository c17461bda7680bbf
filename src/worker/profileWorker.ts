// The profile worker (bundled to out/profileWorker.js): runs the engine's runProfile off the
// extension host's thread, so a long profile never blocks the editor, cancelling is ending the
// thread, and an out-of-memory or crash in the engine ends only this worker (the host sees its
// 'error'/'exit' event; see src/extension/profileWorkerHost.ts). One worker per profile run: the
// engine and onnxruntime-node load here, never in the activation bundle.
import { parentPort, workerData } from 'node:worker_threads';
import { runProfile } from '../engine/profile';
import { serializeError } from './serializedError';
import {
  DidFailNotification,
  DidFinishNotification,
  DidProgressNotification,
  ipcMessage,
  isIpcMessage,
  RunProfileCommand,
  type ProfileWorkerData,
} from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('profileWorker.js runs only as a worker thread');

/** The crash-isolation tests' failures (see ProfileWorkerData): real ones, inside this worker. */
function runTestHook(hook: NonNullable<ProfileWorkerData['testHook']>): void {
  if (hook === 'exit') process.exit(70);
  const hog: number[][] = [];
  for (;;) hog.push(new Array<number>(1 << 20).fill(hog.length));
}

port.on('message', (message: unknown) => {
  if (!isIpcMessage(message, RunProfileCommand)) return;
  const hook = (workerData as ProfileWorkerData | undefined)?.testHook;
  if (hook) runTestHook(hook);
  runProfile(message.params.request, (progress) => port.postMessage(ipcMessage(DidProgressNotification, { progress }))).then(
    (result) => port.postMessage(ipcMessage(DidFinishNotification, { result })),
    (error: unknown) => port.postMessage(ipcMessage(DidFailNotification, { error: serializeError(error) })),
  );
});
