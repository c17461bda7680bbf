// The keep fractions of a sweep, checked before anything runs. Its own module (no engine imports)
// so the extension host can validate what a user types without loading the engine.
import { InputError } from './errors';

/** Most points in one sweep: each is a full profile (dense and pruned runs). */
export const MAX_SWEEP_POINTS = 64;

/** The keep fractions to run: each in (0, 1], duplicates dropped (first one kept), at most MAX_SWEEP_POINTS. */
export function sweepKeeps(keeps: readonly number[]): number[] {
  if (keeps.length === 0) throw new InputError('--keep', 'no keep fractions');
  for (const k of keeps) if (!(k > 0 && k <= 1)) throw new InputError('--keep', `keep fraction ${k} must be in (0, 1]`);
  const distinct = [...new Set(keeps)];
  if (distinct.length > MAX_SWEEP_POINTS) {
    throw new InputError('--keep', `${distinct.length} distinct keep fractions, over the limit of ${MAX_SWEEP_POINTS} (each one is a full profile)`);
  }
  return distinct;
}

/** Parses "1, 0.8, 0.6" into keep fractions (checked by sweepKeeps). */
export function parseKeepList(text: string): number[] {
  return sweepKeeps(text.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number));
}
