// Decides, from the graph alone, whether the mask a plain attention core adds is causal. Exporters
// build the causal mask in a few recognisable ways: Trilu (torch.triu/tril), a constant
// lower-triangular buffer sliced by the sequence length (GPT-2's `bias`), or a comparison of two
// Range (arange) tensors. The runtime double-checks the first full pass numerically.

import type { GraphIndex } from './graphIndex';
import { constantTensor, dimsOf, nodeLabel, tensorValues } from './graphIndex';
import type { MaskStep } from './attentionCore';

const COMPARISONS = new Set(['Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual']);
const MAX_ANCESTRY_NODES = 400;

/** Nodes upstream of a tensor (bounded breadth-first walk). */
function ancestry(g: GraphIndex, tensor: string): Set<string> {
  const seen = new Set<string>();
  const queue = [tensor];
  let visited = 0;
  const nodes = new Set<string>();
  while (queue.length > 0 && visited < MAX_ANCESTRY_NODES) {
    const t = queue.shift() as string;
    if (seen.has(t)) continue;
    seen.add(t);
    const p = g.producer.get(t);
    if (!p) continue;
    visited++;
    nodes.add(p.output?.[0] ?? '');
    for (const i of p.input ?? []) if (i) queue.push(i);
  }
  return nodes;
}

/** A constant whose last two dims are square and whose strict upper triangle differs from its lower. */
function isTriangularConstant(g: GraphIndex, name: string): boolean {
  const t = constantTensor(g, name);
  if (!t) return false;
  const dims = dimsOf(t);
  if (dims.length < 2) return false;
  const n = dims[dims.length - 1];
  if (n < 2 || dims[dims.length - 2] !== n) return false;
  const v = tensorValues(t, 1 << 22);
  if (!v) return false;
  // Only the first matrix is inspected; [1, 1, N, N] is the usual shape.
  const lower = v[n]; // (1, 0)
  const upper = v[1]; // (0, 1)
  const diag = v[0];
  if (lower === upper) return false;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = v[i * n + j];
      if (j > i ? x !== upper : j < i ? x !== lower : x !== diag) return false;
    }
  }
  return true;
}

function producesRange(g: GraphIndex, tensor: string): boolean {
  return [...ancestry(g, tensor)].some((out) => g.producer.get(out)?.opType === 'Range');
}

export interface CausalVerdict {
  causal: boolean;
  evidence: string;
}

/** Looks for a causal mask in the operands of a plain core's mask steps. */
export function detectCausalMask(g: GraphIndex, steps: MaskStep[]): CausalVerdict {
  const operands: string[] = [];
  for (const s of steps) {
    if (s.op === 'add') operands.push(s.tensor);
    else if (s.op === 'where') operands.push(s.cond, s.fill);
  }
  if (operands.length === 0) return { causal: false, evidence: 'no mask is added to the scores (bidirectional)' };
  for (const operand of operands) {
    if (isTriangularConstant(g, operand)) return { causal: true, evidence: `constant triangular mask '${operand}'` };
    for (const out of ancestry(g, operand)) {
      const p = g.producer.get(out);
      if (!p) continue;
      if (p.opType === 'Trilu') return { causal: true, evidence: `${nodeLabel(p)} builds the mask` };
      if (COMPARISONS.has(p.opType ?? '') && (p.input ?? []).filter((i) => i && producesRange(g, i)).length === 2) {
        return { causal: true, evidence: `${nodeLabel(p)} compares two position ranges` };
      }
      for (const i of p.input ?? []) {
        if (i && isTriangularConstant(g, i)) return { causal: true, evidence: `constant triangular buffer '${i}'` };
      }
    }
  }
  return { causal: false, evidence: 'the added mask has no causal pattern (padding mask only: bidirectional)' };
}
