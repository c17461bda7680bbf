// The bench's "plain ORT process": what a user would run without the profiler. Plain JavaScript
// (no tsx, no bundle of the engine) so the process pays only node, onnxruntime-node and the model.
//
//   node scripts/bench/plainOrtRun.mjs MODEL.onnx IDS.json [--generate N]
//
// IDS.json holds the token ids the profile reads (the bench tokenizes once, with the engine's own
// tokenizer, so both sides see the same input). One session from the file path with the options
// the engine's dense reference uses (ORT's default thread count, its logging off), then:
// - without --generate: one pass over all ids (input_ids, attention_mask of ones, token_type_ids
//   of zeros, position_ids 0..n-1, whichever the graph takes);
// - with --generate N: greedy generation with the graph's past_key_values inputs (a past-KV
//   export): the prompt pass, then one token per step with the previous present.* fed back.
// Prints one JSON line: {createMs, runMs, generated?} (wall, measured in this process).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';

const [model, idsFile, ...rest] = process.argv.slice(2);
const gi = rest.indexOf('--generate');
const generate = gi >= 0 ? Number(rest[gi + 1]) : 0;
if (!model || !idsFile || !Number.isInteger(generate) || generate < 0) {
  console.error('usage: plainOrtRun.mjs MODEL.onnx IDS.json [--generate N]');
  process.exit(2);
}
process.env.ORT_DISABLE_TELEMETRY = '1';
ort.env.logLevel = 'error';
const ids = JSON.parse(readFileSync(idsFile, 'utf8'));

const int64 = (values) => new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);

function feeds(session, tokens, firstPosition, pastLength, past) {
  const f = {};
  for (const name of session.inputNames) {
    if (name === 'input_ids') f[name] = int64(tokens);
    else if (name === 'attention_mask') f[name] = int64(new Array(pastLength + tokens.length).fill(1));
    else if (name === 'token_type_ids') f[name] = int64(new Array(tokens.length).fill(0));
    else if (name === 'position_ids') f[name] = int64(tokens.map((_, i) => firstPosition + i));
    else if (name.startsWith('past_key_values')) f[name] = past[name];
    else throw new Error(`${model}: input '${name}' is not one this plain run knows how to feed`);
  }
  return f;
}

function emptyPast(session) {
  const past = {};
  for (const m of session.inputMetadata) {
    if (!m.name.startsWith('past_key_values')) continue;
    const dims = m.shape.map((d, i) => (i === 0 ? 1 : typeof d === 'number' ? d : 0));
    past[m.name] = new ort.Tensor('float32', new Float32Array(0), dims);
  }
  return past;
}

function argmaxLast(t) {
  const V = t.dims[t.dims.length - 1];
  const data = t.data;
  let best = data.length - V;
  for (let i = data.length - V + 1; i < data.length; i++) if (data[i] > data[best]) best = i;
  return best - (data.length - V);
}

let t = performance.now();
const session = await ort.InferenceSession.create(model, { logSeverityLevel: 4 });
const createMs = performance.now() - t;
t = performance.now();
const generated = [];
if (generate === 0) {
  await session.run(feeds(session, ids, 0, 0, {}));
} else {
  if (!session.inputNames.some((n) => n.startsWith('past_key_values'))) throw new Error(`${model} has no past_key_values inputs`);
  let past = emptyPast(session);
  let tokens = ids;
  let fed = 0;
  for (let step = 0; step < generate; step++) {
    const out = await session.run(feeds(session, tokens, fed, fed, past));
    const next = argmaxLast(out.logits);
    generated.push(next);
    fed += tokens.length;
    tokens = [next];
    past = {};
    for (const name of session.inputNames) if (name.startsWith('past_key_values')) past[name] = out[name.replace(/^past_key_values/, 'present')];
  }
}
const runMs = performance.now() - t;
await session.release();
console.log(JSON.stringify({ createMs, runMs, ...(generate > 0 ? { generated } : {}) }));
