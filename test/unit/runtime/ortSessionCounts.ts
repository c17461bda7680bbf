// Counts the onnxruntime sessions this process creates and releases, for the tests that check
// every session is released and which sessions were open at once. It wraps onnxruntime's own
// InferenceSession.create (so it sees every session, whoever creates it, with no counter in the
// product) and is installed when this module is first imported, before a test creates a session.
import * as ort from 'onnxruntime-node';

const counts = { created: 0, released: 0, peakOpen: 0 };

type CreateSession = (...args: unknown[]) => Promise<ort.InferenceSession>;
const factory = ort.InferenceSession as unknown as { create: CreateSession };
const create = factory.create.bind(ort.InferenceSession) as CreateSession;
factory.create = async (...args: unknown[]) => {
  const session = await create(...args);
  counts.created += 1;
  counts.peakOpen = Math.max(counts.peakOpen, counts.created - counts.released);
  const release = session.release.bind(session);
  let released = false;
  session.release = async () => {
    if (!released) counts.released += 1;
    released = true;
    return release();
  };
  return session;
};

export function ortSessionCounts(): { created: number; released: number; open: number; peakOpen: number } {
  return { ...counts, open: counts.created - counts.released };
}

/** Starts a new peak: from now on, peakOpen counts from the sessions open now. */
export function resetOrtSessionPeak(): void {
  counts.peakOpen = counts.created - counts.released;
}
