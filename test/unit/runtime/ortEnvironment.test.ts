// onnxruntime's messages in our words: node and reason kept, C++ source paths and signatures dropped,
// the full text kept as the error's detail for the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ortFailure, ortReason } from '../../../src/engine/runtime/ortEnvironment';

const RUN_FAILURE =
  "Non-zero status code returned while running Mul node. Name:'/model/layers.0/input_layernorm/Mul_1' Status Message: " +
  '/onnxruntime_src/onnxruntime/core/providers/cpu/math/element_wise_ops.h:583 void onnxruntime::BroadcastIterator::Append(ptrdiff_t, ptrdiff_t) ' +
  'axis == 1 || axis == largest was false. Attempting to broadcast an axis by a dimension other than 1. 3 by 5\n';

test('a run failure names the node and the reason, without C++ internals', () => {
  assert.equal(ortReason(RUN_FAILURE), "at node '/model/layers.0/input_layernorm/Mul_1' (Mul): Attempting to broadcast an axis by a dimension other than 1. 3 by 5");
  const e = ortFailure('reference model', 'onnxruntime failed', new Error(RUN_FAILURE));
  assert.equal(e.where, 'reference model');
  assert.doesNotMatch(e.message, /onnxruntime_src|\n/);
  assert.equal(e.detail, RUN_FAILURE);
});

test('a load failure keeps its one-line reason', () => {
  const msg = "Invalid model. Node input 'x' is not a graph input, initializer, or output of a previous node.";
  assert.equal(ortReason(msg), msg);
  assert.equal(ortReason(`[ONNXRuntimeError] : 10 : INVALID_GRAPH : ${msg}`), msg);
});
