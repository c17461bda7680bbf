// The reproducible part of a ProfileReport: everything but what follows the run's wall clock
// (generatedAt, timings, measuredBaselines). The same model, input, policy, hardware and seed give
// byte-identical text here on every run and from every front end (CLI, extension worker, tests);
// the determinism test holds the project to it.
import type { ProfileReport } from '../../../src/engine/report/profileReport';

/** The report's keys that depend on when and how fast it ran. */
export const RUN_DEPENDENT_KEYS = ['generatedAt', 'timings', 'measuredBaselines'] as const;

export function reproducibleReportJson(report: ProfileReport): string {
  const rest: Record<string, unknown> = { ...report };
  for (const key of RUN_DEPENDENT_KEYS) delete rest[key];
  return JSON.stringify(rest);
}
