// Dense vs pruned figures for one model output of any shape, chosen by what the output is
// (model/outputKinds.ts): every output gets max |diff| and cosine similarity; scores over a
// vocabulary or classes (logits, probabilities) also get top-1 agreement and KL per row. Rows are
// the last axis, so a [1, vocab] and a [1, seq, vocab] output are handled alike.
import { InputError } from '../errors';
import type { OutputKind } from '../model/outputKinds';
import { klDivergence, maxAbsDiff } from './accuracyMetrics';
import { argmax } from '../numerics';

export interface OutputFigures {
  maxAbsDiff: number;
  /** Mean over rows of cos(dense row, pruned row). */
  cosineSimilarity: number;
  /** Fraction of rows whose argmax agrees (logits, probabilities). */
  top1Agreement?: number;
  /** Mean over rows of KL(dense || pruned) in nats (logits through softmax; probabilities as given). */
  kl?: number;
}

/** cos of two vectors; 1 when both are zero (identical), 0 when only one is. */
function cosine(a: Float32Array, b: Float32Array, offset: number, n: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = offset; i < offset + n; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (aa === 0 && bb === 0) return 1;
  if (aa === 0 || bb === 0) return 0;
  return ab / Math.sqrt(aa * bb);
}

/** KL(p || q) of two rows that are already probabilities (clamped away from 0 so log q is finite). */
function probabilityKl(p: Float32Array, q: Float32Array, offset: number, n: number): number {
  const eps = 1e-12;
  let sp = 0;
  let sq = 0;
  for (let i = offset; i < offset + n; i++) {
    sp += Math.max(p[i], 0);
    sq += Math.max(q[i], 0);
  }
  if (!(sp > 0 && sq > 0)) return NaN;
  let kl = 0;
  for (let i = offset; i < offset + n; i++) {
    const pi = Math.max(p[i], 0) / sp;
    if (pi > 0) kl += pi * Math.log(pi / Math.max(Math.max(q[i], 0) / sq, eps));
  }
  return Math.max(0, kl);
}

/** Figures for one output; `width` is its last axis (values per row). */
export function compareOutputTensor(kind: OutputKind, dense: Float32Array, pruned: Float32Array, width: number): OutputFigures {
  if (dense.length !== pruned.length) throw new InputError('output comparison', `dense and pruned outputs differ in length (${dense.length} vs ${pruned.length})`);
  const rows = width > 0 ? dense.length / width : 0;
  if (!Number.isInteger(rows) || rows === 0) return { maxAbsDiff: maxAbsDiff(dense, pruned), cosineSimilarity: cosine(dense, pruned, 0, dense.length) };
  let cos = 0;
  let agree = 0;
  let kl = 0;
  const scores = kind !== 'embedding';
  for (let r = 0; r < rows; r++) {
    const off = r * width;
    cos += cosine(dense, pruned, off, width);
    if (!scores) continue;
    if (argmax(dense, off, width) === argmax(pruned, off, width)) agree++;
    kl += kind === 'probabilities' ? probabilityKl(dense, pruned, off, width) : klDivergence(dense, pruned, off, width);
  }
  const out: OutputFigures = { maxAbsDiff: maxAbsDiff(dense, pruned), cosineSimilarity: cos / rows };
  if (scores) {
    out.top1Agreement = agree / rows;
    out.kl = kl / rows;
  }
  return out;
}

/** One output of the model, compared. */
export interface OutputComparisonFigures {
  name: string;
  kind: OutputKind;
  /** Dims of the dense run's output (batch 1). */
  dims: number[];
  figures: OutputFigures;
}

export interface NamedOutput {
  logits: Float32Array;
  dims: number[];
}

/** Every output both runs produced, compared by its kind (`kindOf` reads the graph). */
export function compareEveryOutput(dense: Map<string, NamedOutput>, pruned: Map<string, NamedOutput>, kindOf: (name: string, dims: number[]) => OutputKind): OutputComparisonFigures[] {
  const out: OutputComparisonFigures[] = [];
  for (const [name, d] of dense) {
    const p = pruned.get(name);
    if (!p) continue;
    const kind = kindOf(name, d.dims);
    out.push({ name, kind, dims: d.dims, figures: compareOutputTensor(kind, d.logits, p.logits, d.dims[d.dims.length - 1] ?? 0) });
  }
  return out;
}
